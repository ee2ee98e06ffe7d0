"""The Redis channel layer's connections wait longer than channels_redis' blocking receive.

channels_redis asks Redis to wait up to `brpop_timeout` (5 s) for a message; with redis-py's
default 5 s socket timeout an idle receive raced Redis's empty answer and failed ("Timeout
reading from Redis"). Read off a layer built from the project's settings (REDIS_URL set), used
on the real Redis.
"""

import os
import subprocess
import sys

CODE = """
import asyncio, django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "marketagg.settings"
django.setup()
from channels.layers import get_channel_layer
from channels_redis.utils import create_pool

async def main():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "ping"})
    assert (await asyncio.wait_for(layer.receive(channel), 10))["type"] == "ping"
    connection = create_pool(layer.hosts[0]).make_connection()
    print(layer.brpop_timeout, connection.socket_timeout)
    await layer.flush()

asyncio.run(main())
"""


def test_the_socket_timeout_outlasts_the_blocking_receive(redis_url):
    env = {**os.environ, "REDIS_URL": redis_url}
    out = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    brpop, socket_timeout = (float(x) for x in out.stdout.split())
    assert socket_timeout > brpop, (brpop, socket_timeout)
