"""stop() ends every open connection promptly, Binance and Deribit alike, and frees the port."""

import json
import time

import aiohttp

from exchanges.simulator import Simulator


async def test_stop_closes_open_connections(http):
    sim = Simulator(seed=47, rate=50.0, deribit_min_heartbeat=0.1)
    await sim.start(host="127.0.0.1", port=0)
    ep = sim.endpoints()
    binance = await http.ws_connect(f"{ep['binance'].ws_url}/stream?streams=btcusdt@depth@100ms")
    deribit = await http.ws_connect(ep["deribit"].ws_url)
    await deribit.send_str(
        json.dumps({"jsonrpc": "2.0", "id": 1, "method": "public/set_heartbeat", "params": {"interval": 0.1}})
    )
    await binance.receive_json(timeout=2)
    await deribit.receive_json(timeout=2)
    assert sim.stats()["connections_open"] == 2
    t0 = time.monotonic()
    await sim.stop()
    assert time.monotonic() - t0 < 3
    for ws in (binance, deribit):
        while (await ws.receive(timeout=2)).type == aiohttp.WSMsgType.TEXT:
            pass
        assert ws.closed
    try:
        async with http.get(f"{ep['binance'].rest_url}/api/v3/depth?symbol=BTCUSDT") as r:
            raise AssertionError(f"still serving: {r.status}")
    except aiohttp.ClientConnectionError:
        pass
