"""A symbol the venue refuses (Binance: 400 -1121 "Invalid symbol."; Deribit: the subscribe leaves
the channel out and get_order_book answers "instrument not found") goes to `invalid` with the
venue's own words, is not asked for again and again, and the venue's other books stay live."""

import asyncio

from exchanges.connectors import FeedOptions
from exchanges.simulator import Simulator
from exchanges.supervisor import FeedSupervisor
from exchanges.types import InstrumentSpec
from tests.exchanges.conftest import RecordingSink
from tests.exchanges.connectors.scripted_venue import stays_false, wait_for

SPECS = [
    ("binance", "BTCUSDT"),
    ("binance", "NOPEUSDT"),
    ("deribit", "BTC-PERPETUAL"),
    ("deribit", "NOPE-PERPETUAL"),
]


async def test_refused_symbols_go_invalid_with_the_venue_message():
    sim = await Simulator(seed=1, rate=20.0, deribit_min_heartbeat=1).start(host="127.0.0.1", port=0)
    sink = RecordingSink()
    sup = FeedSupervisor(
        specs=[InstrumentSpec(venue=v, symbol=s, depth=100) for v, s in SPECS],
        endpoints=sim.endpoints(),
        sink=sink,
        options=FeedOptions(watchdog=True, sync_timeout=0.3, watchdog_interval=0.05, planned_reconnect=False),
    )
    task = asyncio.create_task(sup.run())
    try:
        books = sup.books
        await wait_for(
            lambda: (
                books().get("binance:NOPEUSDT") is not None
                and books()["binance:NOPEUSDT"].state == "invalid"
                and books().get("deribit:NOPE-PERPETUAL") is not None
                and books()["deribit:NOPE-PERPETUAL"].state == "invalid"
            ),
            timeout=15,
            what="both refused symbols invalid",
        )
        reasons = {(e.venue, e.symbol): e.reason for e in sink.states if e.state == "invalid"}
        assert reasons[("binance", "NOPEUSDT")] == "Invalid symbol."
        assert reasons[("deribit", "NOPE-PERPETUAL")] == "Invalid params: instrument not found"
        await wait_for(
            lambda: (
                books()["binance:BTCUSDT"].state == "live"
                and books()["deribit:BTC-PERPETUAL"].state == "live"
            ),
            timeout=15,
            what="the other books live",
        )
        requests = sim.counts["rest_requests"]
        # many sync timeouts later, the refused symbols are still invalid and not asked for again
        await stays_false(
            lambda: (
                books()["binance:NOPEUSDT"].state != "invalid"
                or books()["deribit:NOPE-PERPETUAL"].state != "invalid"
            ),
            1.5,
            what="a refused symbol retried",
        )
        assert sim.counts["rest_requests"] == requests
        assert sup.stats()["venues"]["binance"]["state"] == "live"
    finally:
        await sup.stop()
        await asyncio.wait_for(task, 10)
        await sim.stop()
