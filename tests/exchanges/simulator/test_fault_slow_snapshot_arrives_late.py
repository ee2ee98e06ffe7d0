"""slow_snapshot: the depth snapshot is cut at request time and answered late, so it arrives
older than the truth."""

import time

from exchanges.simulator import FaultSpec


async def test_fault_slow_snapshot_arrives_late(start_sim, http):
    sim = await start_sim(
        seed=40, rate=50.0, faults=FaultSpec.parse("slow_snapshot=1"), slow_snapshot_seconds=(0.4, 0.5)
    )
    t0 = time.monotonic()
    async with http.get(f"{sim.endpoints()['binance'].rest_url}/api/v3/depth?symbol=BTCUSDT&limit=10") as r:
        body = await r.json()
    elapsed = time.monotonic() - t0
    assert r.status == 200
    assert elapsed >= 0.4
    assert body["lastUpdateId"] < sim.true_book("binance", "BTCUSDT").sequence
    assert sim.stats()["faults"]["slow_snapshot"] == 1
