"""SIGTERM stops `record` cleanly: exit 0, the capture file flushed and closed, no traceback."""

import asyncio
import signal

from exchanges.capture import read_capture
from tests.exchanges.processes import process_env, read_until, start_command


async def test_record_stops_on_sigterm(tmp_path):
    env = process_env(tmp_path, MARKETAGG_STORE_TICKS="false")
    out = tmp_path / "session.jsonl"
    # No network here: the connectors retry with backoff, and that is fine for a stop test.
    proc = await start_command(env, "record", "--out", str(out))
    try:
        await read_until(proc, "recording")
        proc.send_signal(signal.SIGTERM)
        stdout, _ = await asyncio.wait_for(proc.communicate(), timeout=10)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    text = stdout.decode()
    assert proc.returncode == 0, text
    assert "Traceback" not in text
    assert "recorded" in text
    read_capture(out)  # whatever got in is whole lines of the capture format
