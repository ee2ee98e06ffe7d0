"""disconnect: the server drops the connection without a close handshake."""

import aiohttp

from exchanges.simulator import FaultSpec


async def test_fault_disconnect_closes_socket(start_sim, http):
    sim = await start_sim(seed=32, rate=50.0, faults=FaultSpec.parse("disconnect=0.05"))
    async with http.ws_connect(
        f"{sim.endpoints()['binance-usdm'].ws_url}/stream?streams=btcusdt@depth@100ms"
    ) as ws:
        while True:
            msg = await ws.receive(timeout=5)
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
        assert msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.ERROR)
        assert ws.closed
    assert sim.stats()["faults"]["disconnect"] == 1
