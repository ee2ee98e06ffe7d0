"""`manage.py simulate_exchanges` prints its endpoints, serves them, and stops cleanly on SIGTERM."""

import asyncio
import os
import re
import signal

from tests.exchanges.processes import read_until, start_command


async def test_simulate_exchanges_stops_on_sigterm(http):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = await start_command(env, "simulate_exchanges", "--port", "0", "--seed", "3", "--rate", "20")
    try:
        out = await read_until(proc, "SIGTERM")
        port = int(re.search(r"on 127\.0\.0\.1:(\d+)", out).group(1))
        assert f"ws://127.0.0.1:{port}/deribit/ws/api/v2" in out
        async with http.get(f"http://127.0.0.1:{port}/truth/binance/BTCUSDT?depth=1") as r:
            assert r.status == 200 and len((await r.json())["bids"]) == 1
        proc.send_signal(signal.SIGTERM)
        rest, _ = await asyncio.wait_for(proc.communicate(), timeout=5)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0
    assert "stopped" in rest.decode() and "Traceback" not in rest.decode()
