"""gap: a depth event is generated but not sent, so the client sees U jump past previous u + 1."""

import json

from exchanges.simulator import FaultSpec


async def test_fault_gap_makes_update_id_jump(start_sim, http):
    sim = await start_sim(seed=31, rate=50.0, faults=FaultSpec.parse("gap=0.2"))
    events: list[dict] = []
    async with http.ws_connect(f"{sim.endpoints()['binance'].ws_url}/ws/btcusdt@depth@100ms") as ws:

        def jumped() -> bool:
            return any(b["U"] != a["u"] + 1 for a, b in zip(events, events[1:], strict=False))

        while not jumped():
            events.append(json.loads((await ws.receive(timeout=5)).data))
    assert sim.stats()["faults"]["gap"] >= 1
