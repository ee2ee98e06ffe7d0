"""`simulate_exchanges --instruments N` lists N instruments over the venues' instrument lists and
streams a book for each, the made-up coins' too; a count it cannot list is refused."""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time

from tests.exchanges.processes import ROOT, read_until, start_command

LISTS = {
    "binance": "/binance/api/v3/exchangeInfo",
    "binance-usdm": "/binance-usdm/fapi/v1/exchangeInfo",
    "binance-coinm": "/binance-coinm/dapi/v1/exchangeInfo",
}


async def _listed(http, base: str) -> dict[str, list[str]]:
    """Every venue's instrument list as the simulator serves it."""
    listed = {}
    for venue, path in LISTS.items():
        async with http.get(base + path) as r:
            listed[venue] = [s["symbol"] for s in (await r.json())["symbols"]]
    async with http.get(base + "/deribit/api/v2/public/get_instruments") as r:
        listed["deribit"] = [i["instrument_name"] for i in (await r.json())["result"]]
    return listed


async def _stop(proc) -> None:
    """SIGTERM, as a user stops it; killed if it does not end within 5 s (the test then fails)."""
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.communicate(), timeout=5)
        except TimeoutError:
            proc.kill()
            await proc.wait()


def _refused(*args: str) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [sys.executable, "manage.py", "simulate_exchanges", "--port", "0", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    return out


async def test_two_hundred_instruments_are_listed_and_stream(http):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = await start_command(
        env, "simulate_exchanges", "--port", "0", "--instruments", "200", "--rate", "5"
    )
    try:
        out = await read_until(proc, "SIGTERM")
        assert "200 instruments" in out
        port = int(re.search(r"on 127\.0\.0\.1:(\d+)", out).group(1))
        base = f"http://127.0.0.1:{port}"
        listed = await _listed(http, base)
        assert sum(len(v) for v in listed.values()) == 200
        # The catalog first, then coins X001.. on spot, USD-M and COIN-M in turn: 189 made-up ones.
        assert "BTCUSDT" in listed["binance"] and "BTC-PERPETUAL" in listed["deribit"]
        assert listed["binance-coinm"][-1] == "X063USD_PERP"
        assert {"X001USDT", "X063USDT"} <= set(listed["binance"]) & set(listed["binance-usdm"])
        url = base + "/binance-coinm/dapi/v1/depth?symbol=X063USD_PERP&limit=5"
        async with http.get(url) as r:
            book = await r.json()
        assert r.status == 200 and len(book["bids"]) == 5 and len(book["asks"]) == 5
    finally:
        await _stop(proc)
    assert proc.returncode == 0


def test_a_count_out_of_range_is_refused():
    out = _refused("--instruments", "0")
    assert "instruments must be 1..3008, not 0" in out.stderr


async def test_only_the_named_instruments_are_listed_and_move(http):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    only = "binance:BTCUSDT,deribit:BTC-PERPETUAL,binance-coinm:ETHUSD_PERP"
    proc = await start_command(env, "simulate_exchanges", "--port", "0", "--only", only, "--rate", "50")
    try:
        out = await read_until(proc, "SIGTERM")
        assert "3 instruments" in out
        port = int(re.search(r"on 127\.0\.0\.1:(\d+)", out).group(1))
        base = f"http://127.0.0.1:{port}"
        listed = await _listed(http, base)
        assert listed == {
            "binance": ["BTCUSDT"],
            "binance-usdm": [],
            "binance-coinm": ["ETHUSD_PERP"],
            "deribit": ["BTC-PERPETUAL"],
        }
        async with http.get(base + "/truth/binance/ETHUSDT") as r:
            assert r.status == 404  # no book of its own moves
        truth = base + "/truth/deribit/BTC-PERPETUAL?depth=1"
        async with http.get(truth) as r:
            first = (await r.json())["sequence"]
        sequence, deadline = first, time.monotonic() + 10
        while sequence == first and time.monotonic() < deadline:
            async with http.get(truth) as r:
                sequence = (await r.json())["sequence"]
        assert sequence > first, "a listed book moves"
        async with http.get(base + "/control/stats") as r:
            events = (await r.json())["events"]
        # Each tick of the clock moves the three books, and only them (11 for the whole catalog).
        assert events > 0 and events % 3 == 0
    finally:
        await _stop(proc)
    assert proc.returncode == 0


def test_an_unknown_name_is_refused_with_the_known_ones():
    out = _refused("--only", "binance:NOPE")
    assert "unknown instruments binance:NOPE; known: binance-coinm:BTCUSD_PERP" in out.stderr
