"""shutdown: Binance's serverShutdown event, then the connection closes after a short delay."""

import aiohttp

from exchanges.simulator import FaultSpec


async def test_fault_server_shutdown_then_close(start_sim, http):
    sim = await start_sim(seed=37, rate=50.0, faults=FaultSpec.parse("shutdown=1"), shutdown_delay=0.3)
    seen: list[str] = []
    async with http.ws_connect(
        f"{sim.endpoints()['binance'].ws_url}/stream?streams=ethusdt@depth@100ms"
    ) as ws:
        while True:
            msg = await ws.receive(timeout=3)
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
            seen.append(msg.json().get("e", ""))
        assert ws.closed
    assert seen[0] == "serverShutdown"
    assert seen.count("serverShutdown") == 1
    assert sim.stats()["faults"]["shutdown"] == 1
