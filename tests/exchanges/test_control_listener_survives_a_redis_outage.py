"""The feed process's control listener outlives a Redis outage: it says the channel is gone, keeps
trying, says when it is back, and the admin's next message is applied. Real Redis, reached through
a TCP proxy the test cuts and restores."""

import asyncio
import logging
import uuid
from urllib.parse import urlsplit

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings

from exchanges.feedprocess import FeedProcess
from tests.books.tcpproxy import TcpProxy
from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


@pytest.fixture
def proxy(redis_url):
    url = urlsplit(redis_url)
    p = TcpProxy(target_host=url.hostname, target_port=url.port or 6379)
    yield p
    p.close()


async def test_listener_survives_a_redis_outage(venue, run_feeds, proxy, redis_url, caplog):
    caplog.set_level(logging.INFO)
    db = urlsplit(redis_url).path or "/0"
    prefix = f"h2-control-{uuid.uuid4().hex[:8]}"
    through_proxy = RedisChannelLayer(hosts=[f"redis://127.0.0.1:{proxy.port}{db}"], prefix=prefix)
    admin = RedisChannelLayer(hosts=[redis_url], prefix=prefix)  # the admin side reaches Redis directly
    channel = settings.MARKETAGG["CONTROL_CHANNEL"]
    venue.snapshot_fn = lambda symbol: snapshot(100, bids=[("1", "1")])
    sup = await run_feeds(venue, "binance", ["BTCUSDT"])
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "live")
    process = FeedProcess(layer=through_proxy)
    process.supervisor = sup
    listener = asyncio.create_task(process.listen())
    resync = {"action": "resync", "venue": "binance", "symbol": "BTCUSDT"}
    try:
        resyncs = lambda: sup.stats()["venues"]["binance"]["resyncs"]  # noqa: E731
        await admin.send(channel, resync)
        await wait_for(lambda: resyncs() == 1, what="the first message applied")
        proxy.cut()
        await wait_for(
            lambda: any("control channel unavailable" in r.getMessage() for r in caplog.records),
            what="the outage said",
        )
        assert not listener.done()
        await admin.send(channel, resync)  # sent while the feed process cannot read
        proxy.restore()
        await wait_for(lambda: resyncs() == 2, timeout=15, what="the message applied after the outage")
        assert any("control channel back" in r.getMessage() for r in caplog.records)
        await admin.send(channel, resync)
        await wait_for(lambda: resyncs() == 3, what="the listener still listening")
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await admin.flush()
        await through_proxy.close_pools()
        await admin.close_pools()
