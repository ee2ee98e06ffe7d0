"""SIGTERM stops the feed process cleanly within 5 seconds, with its connections open or retrying."""

import asyncio
import signal

from tests.exchanges.processes import process_env, read_until, start_command


async def test_sigterm_stops_runfeeds_within_five_seconds(tmp_path):
    env = process_env(tmp_path, MARKETAGG_STORE_TICKS="false")
    proc = await start_command(env, "runfeeds")
    try:
        await read_until(proc, "feeds starting")
        proc.send_signal(signal.SIGTERM)
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=5)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    text = out.decode()
    assert proc.returncode == 0, text
    assert "feeds stopped" in text
    assert "Traceback" not in text
