"""Against the simulator, which closes a Deribit connection that leaves a test_request unanswered."""

import asyncio

from exchanges.connectors import FeedOptions
from exchanges.simulator import FaultSpec, Simulator
from exchanges.supervisor import FeedSupervisor
from exchanges.types import NullSink
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_answered_test_requests_keep_the_deribit_connection_open():
    sim = Simulator(seed=5, rate=10.0, faults=FaultSpec.none(), deribit_min_heartbeat=1)
    await sim.start(host="127.0.0.1", port=0)
    specs = [s for s in sim.instruments() if s.venue == "deribit"]
    sup = FeedSupervisor(
        specs=specs,
        endpoints=sim.endpoints(),
        sink=NullSink(),
        options=FeedOptions(heartbeat_interval=1, planned_reconnect=False),
    )
    task = asyncio.create_task(sup.run())
    try:
        await wait_for(
            lambda: len(sup.books()) == len(specs) and all(b.state == "live" for b in sup.books().values())
        )
        # three heartbeat rounds: each test_request must be answered or the venue hangs up
        await wait_for(
            lambda: sim.stats()["counts"].get("heartbeat_test_request", 0) >= 4,
            timeout=10,
            what="four test_requests",
        )
        assert sim.stats()["faults"].get("heartbeat_close", 0) == 0
        assert sup.stats()["venues"]["deribit"]["reconnects"] == 0
        assert all(b.state == "live" for b in sup.books().values())
    finally:
        await sup.stop()
        await task
        await sim.stop()
