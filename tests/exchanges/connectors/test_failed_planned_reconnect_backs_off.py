"""A planned reconnect that fails (the venue refuses new connections) is retried with backoff,
not at every watchdog tick; the old connection keeps serving meanwhile."""

import time

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_failed_planned_reconnect_is_retried_with_backoff(venue, run_feeds):
    venue.snapshot_fn = lambda symbol: snapshot(100, bids=[("1", "1")])
    sup = await run_feeds(
        venue,
        "binance",
        ["BTCUSDT"],
        planned_reconnect=True,
        connection_max_age=0.1,
        watchdog_interval=0.01,
        backoff_base=0.5,
        backoff_cap=1.0,
    )
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "live")
    venue.refuse_ws = True
    await wait_for(lambda: venue.refused >= 1, what="a refused planned reconnect")
    started = time.monotonic()
    await wait_for(lambda: time.monotonic() - started > 2.0 or venue.refused > 8, timeout=5)
    # backoff of 0.5 s doubling up to 1 s: a handful of tries in 2 s, not one per 10 ms tick
    assert venue.refused <= 8
    assert sup.books()["binance:BTCUSDT"].state == "live"
