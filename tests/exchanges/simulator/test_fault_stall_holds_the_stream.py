"""stall: the connection stays open but sends nothing for a while; what was held back follows."""

import time

from exchanges.simulator import FaultSpec


async def test_fault_stall_holds_the_stream(start_sim, http):
    sim = await start_sim(seed=39, rate=50.0, faults=FaultSpec.parse("stall=1"), stall_seconds=0.3)
    async with http.ws_connect(f"{sim.endpoints()['binance'].ws_url}/ws/btcusdt@depth@100ms") as ws:
        first = await ws.receive_json(timeout=2)
        t0 = time.monotonic()
        second = await ws.receive_json(timeout=2)
        held = time.monotonic() - t0
        sim.set_faults(FaultSpec.none())
        # Nothing is lost: the ids run on.
        assert second["U"] == first["u"] + 1
        assert not ws.closed
    assert held >= 0.25
    assert sim.stats()["faults"]["stall"] >= 2
