"""The simulator's BTC on three venues (spot, COIN-M, Deribit) streamed by the real supervisor into
a ConsolidatedBooks sink, for the consolidated-book tests that run against real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time

from books.consolidated import ConsolidatedBooks
from exchanges.connectors import FeedOptions
from exchanges.simulator import Simulator
from exchanges.supervisor import FeedSupervisor

KEYS = ("binance:BTCUSDT", "binance-coinm:BTCUSD_PERP", "deribit:BTC-PERPETUAL")


async def until(condition, *, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def streaming(*, seed: object, rate: float = 30.0, stale_after: float = 30.0, **options):
    """Yields (simulator, supervisor, sink, specs); everything stops on the way out."""
    sim = Simulator(seed=seed, rate=rate)
    await sim.start(host="127.0.0.1", port=0)
    specs = []
    for spec in sim.instruments():
        if spec.key in KEYS:
            into = "BTC-USDT" if spec.pair == "BTC-USD" else ""
            specs.append(dataclasses.replace(spec, consolidate_into=into, stale_after=stale_after, depth=100))
    sink = ConsolidatedBooks(specs)
    feed_options = FeedOptions(planned_reconnect=False, backoff_base=0.05, backoff_cap=0.5, **options)
    sup = FeedSupervisor(specs=specs, endpoints=sim.endpoints(), sink=sink, options=feed_options)
    task = asyncio.create_task(sup.run())
    try:
        yield sim, sup, sink, specs
    finally:
        await sup.stop()
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(task, 10)
        await sim.stop()


def venue_members(sup, specs) -> dict[str, dict]:
    """The live venue books as the reference takes them (venue units, with their metadata)."""
    books = sup.books()
    out = {}
    for spec in specs:
        book = books.get(spec.key)
        if book is not None and book.state.value == "live":
            bids, asks = book.top(max(len(book.bids), len(book.asks)))
            out[spec.key] = {
                "venue": spec.venue,
                "kind": spec.kind,
                "quote": spec.pair.split("-")[1],
                "contract_size": spec.contract_size,
                "bids": bids,
                "asks": asks,
            }
    return out
