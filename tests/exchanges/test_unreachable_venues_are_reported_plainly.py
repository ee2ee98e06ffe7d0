"""Offline, `runfeeds` keeps retrying and says so in plain words, suggesting `make demo`."""

import signal

from tests.exchanges.processes import process_env, read_until, start_command


async def test_offline_feeds_retry_and_point_to_the_demo(tmp_path):
    env = process_env(tmp_path, MARKETAGG_STORE_TICKS="false")
    proc = await start_command(env, "runfeeds")
    try:
        seen = await read_until(proc, "make demo")
    finally:
        proc.send_signal(signal.SIGTERM)
        await proc.communicate()
    assert "cannot reach venue; retrying with backoff" in seen
    assert "Traceback" not in seen
