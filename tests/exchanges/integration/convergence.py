"""Run the real supervisor against the simulator with faults, then compare every book with the truth.

The truth is the simulator's own book model (exchanges/simulator/truth_book.py), not the feed's
VenueBook. A book must hold the truth cut at its boundaries: every level inside them, nothing
past them (none when its snapshot was not cut: then the whole truth)."""

from __future__ import annotations

import asyncio
import time

from exchanges.connectors import FeedOptions
from exchanges.simulator import FaultSpec, Simulator
from exchanges.supervisor import FeedSupervisor
from exchanges.types import InstrumentSpec, NullSink


def mismatches(sup: FeedSupervisor, sim: Simulator) -> list[str]:
    out = []
    books = sup.books()
    for spec in sim.instruments():
        book = books.get(spec.key)
        truth = sim.true_book(spec.venue, spec.symbol)
        if book is None:
            out.append(f"{spec.key}: no book")
        elif book.sequence != truth.sequence or book.to_json() != truth.known(
            bid_boundary=book.bid_boundary, ask_boundary=book.ask_boundary
        ):
            out.append(f"{spec.key}: {book.state.value} at {book.sequence}, truth at {truth.sequence}")
    return out


async def run_until_converged(
    faults: str, *, fault_seconds: float, seed: int = 3, depth: int = 1000, **feed_options
) -> dict:
    """Faults on for a while, then off until every book is live again, then pause and compare."""
    sim = Simulator(
        seed=seed,
        rate=20.0,
        faults=FaultSpec.parse(faults),
        stall_seconds=0.5,
        shutdown_delay=0.3,
        retry_after=1,
        slow_snapshot_seconds=(0.2, 0.5),
        deribit_min_heartbeat=1,
    )
    await sim.start(host="127.0.0.1", port=0)
    # Once paused, a book whose very last event was dropped (a gap at the end) can only learn it
    # by asking again: stale after 2 s of no change. Pings keep the paused sockets themselves open.
    specs = [
        InstrumentSpec(venue=i.venue, symbol=i.symbol, depth=depth, stale_after=2.0)
        for i in sim.instruments()
    ]
    options = dict(
        watchdog=True,
        planned_reconnect=False,
        backoff_base=0.05,
        backoff_cap=0.5,
        silence_timeout=3.0,
        sync_timeout=5.0,
    )
    options.update(feed_options)
    sup = FeedSupervisor(
        specs=specs, endpoints=sim.endpoints(), sink=NullSink(), options=FeedOptions(**options)
    )
    task = asyncio.create_task(sup.run())
    try:
        await asyncio.sleep(fault_seconds)  # the fault window: the simulator's clock, not a condition
        injected = dict(sim.stats()["faults"])
        sim.set_faults(FaultSpec.none())
        deadline = time.monotonic() + 30
        while not (len(sup.books()) == len(specs) and all(b.state == "live" for b in sup.books().values())):
            assert time.monotonic() < deadline, f"books not live again: {mismatches(sup, sim)}"
            await asyncio.sleep(0.05)
        sim.pause()
        while bad := mismatches(sup, sim):
            assert time.monotonic() < deadline, f"books differ from the truth: {bad}"
            await asyncio.sleep(0.05)
        boundaries = {k: (b.bid_boundary, b.ask_boundary) for k, b in sup.books().items()}
        return {
            "injected": injected,
            "stats": sup.stats(),
            "task_alive": not task.done(),
            "boundaries": boundaries,
        }
    finally:
        await sup.stop()
        await asyncio.wait_for(task, 10)
        await sim.stop()
