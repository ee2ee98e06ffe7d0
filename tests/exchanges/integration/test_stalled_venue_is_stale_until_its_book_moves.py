"""A venue stalled in the simulator (sockets open, pings answered, snapshots served, books still) is
`stale` past its limit and stays `stale`, with its reason and a growing age, through the
resubscribes and snapshots that try to wake it: a still book loaded again is no news. Its first
change after the stall makes it `live` again. A venue that keeps streaming is untouched.

Binance (a REST snapshot) and Deribit (a snapshot on the socket) take the two ways back."""

import asyncio

from exchanges.connectors import FeedOptions
from exchanges.simulator import Simulator
from exchanges.status import StatusBoard
from exchanges.supervisor import FeedSupervisor
from exchanges.types import FanoutSink, InstrumentSpec
from tests.exchanges.conftest import RecordingSink
from tests.exchanges.connectors.scripted_venue import wait_for

STALLED = ("binance:BTCUSDT", "deribit:BTC-PERPETUAL")
STREAMING = "binance-usdm:BTCUSDT"
STALE_AFTER = 1.0


def states_of(sink: RecordingSink, key: str, since: int) -> list[str]:
    return [e.state for e in sink.states[since:] if f"{e.venue}:{e.symbol}" == key]


async def test_a_stalled_venue_is_stale_until_its_book_moves():
    sim = await Simulator(seed=21, rate=20.0, deribit_min_heartbeat=1).start(host="127.0.0.1", port=0)
    specs = [
        InstrumentSpec(venue=key.split(":")[0], symbol=key.split(":")[1], depth=100, stale_after=STALE_AFTER)
        for key in (*STALLED, STREAMING)
    ]
    recorder, board = RecordingSink(), StatusBoard(layer=None)
    sup = FeedSupervisor(
        specs=specs,
        endpoints=sim.endpoints(),
        sink=FanoutSink(recorder, board),
        # The stalled books are asked for again every second while they stay quiet.
        options=FeedOptions(sync_timeout=1.0, watchdog_interval=0.05, planned_reconnect=False),
    )
    task = asyncio.create_task(sup.run())

    def rows() -> dict[str, dict]:
        return {row["key"]: row for row in board.rows(sup)}

    def feed(key: str):
        return next(f for c in sup.connectors.values() for f in c.feeds() if f.spec.key == key)

    try:
        books = sup.books
        await wait_for(
            lambda: len(books()) == 3 and all(b.state == "live" for b in books().values()),
            timeout=20,
            what="every book live",
        )
        since = len(recorder.states)
        for key in STALLED:
            sim.market.pause_venue(key.split(":")[0])
        await wait_for(
            lambda: all(rows()[key]["state"] == "stale" for key in STALLED), timeout=10, what="stale"
        )
        resyncs = {key: feed(key).resyncs for key in STALLED}
        # Several attempts to wake them later, they are stale still, their age past twice the limit
        # (what /healthz fails), and nothing else was said about them.
        await wait_for(
            lambda: all(feed(key).resyncs >= resyncs[key] + 2 for key in STALLED),
            timeout=15,
            what="two more resubscribes of each stalled book",
        )
        await wait_for(
            lambda: all(rows()[key]["counters"]["age"] > 2 * STALE_AFTER for key in STALLED),
            timeout=10,
            what="the stale books' age growing",
        )
        for key in STALLED:
            row = rows()[key]
            assert (row["state"], row["reason"]) == ("stale", f"no change for {STALE_AFTER}s"), key
            assert books()[key].state == "stale", key
            assert states_of(recorder, key, since) == ["stale"], key
        assert rows()[STREAMING]["state"] == "live" and states_of(recorder, STREAMING, since) == []

        for key in STALLED:
            sim.market.resume_venue(key.split(":")[0])
        await wait_for(
            lambda: all(books()[key].state == "live" for key in STALLED), timeout=15, what="live again"
        )
        for key in STALLED:
            assert states_of(recorder, key, since) == ["stale", "live"], key
            row = rows()[key]
            assert row["state"] == "live" and row["counters"]["age"] < STALE_AFTER, key
    finally:
        await sup.stop()
        await asyncio.wait_for(task, 10)
        await sim.stop()
