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
        listed = {}
        for venue, path in LISTS.items():
            async with http.get(base + path) as r:
                listed[venue] = [s["symbol"] for s in (await r.json())["symbols"]]
        async with http.get(base + "/deribit/api/v2/public/get_instruments") as r:
            listed["deribit"] = [i["instrument_name"] for i in (await r.json())["result"]]
        assert sum(len(v) for v in listed.values()) == 200
        # The catalog first, then coins X001.. on spot, USD-M and COIN-M in turn: 189 made-up ones.
        assert "BTCUSDT" in listed["binance"] and "BTC-PERPETUAL" in listed["deribit"]
        assert listed["binance-coinm"][-1] == "X063USD_PERP"
        assert {"X001USDT", "X063USDT"} <= set(listed["binance"]) & set(listed["binance-usdm"])
        url = base + "/binance-coinm/dapi/v1/depth?symbol=X063USD_PERP&limit=5"
        async with http.get(url) as r:
            book = await r.json()
        assert r.status == 200 and len(book["bids"]) == 5 and len(book["asks"]) == 5
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.communicate(), timeout=5)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0


def test_a_count_out_of_range_is_refused():
    out = subprocess.run(
        [sys.executable, "manage.py", "simulate_exchanges", "--port", "0", "--instruments", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
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
        listed = {}
        for venue, path in LISTS.items():
            async with http.get(base + path) as r:
                listed[venue] = [s["symbol"] for s in (await r.json())["symbols"]]
        async with http.get(base + "/deribit/api/v2/public/get_instruments") as r:
            listed["deribit"] = [i["instrument_name"] for i in (await r.json())["result"]]
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
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.communicate(), timeout=5)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0


def test_an_unknown_name_is_refused_with_the_known_ones():
    out = subprocess.run(
        [sys.executable, "manage.py", "simulate_exchanges", "--port", "0", "--only", "binance:NOPE"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert "unknown instruments binance:NOPE; known: binance-coinm:BTCUSD_PERP" in out.stderr
