"""Pings answered are life: a quiet connection whose peer answers pings is kept; a peer that answers
nothing at all is still cut after `silence_timeout`."""

from tests.exchanges.connectors.frames import snapshot
from tests.exchanges.connectors.scripted_venue import stays_false, wait_for


async def test_quiet_connection_that_answers_pings_is_kept(venue, run_feeds):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("1", "1")], asks=[("2", "1")])]
    await run_feeds(
        venue,
        "binance",
        ["BTCUSDT"],
        watchdog=True,
        silence_timeout=0.6,
        watchdog_interval=0.05,
        stale_after=60,
    )
    await venue.wait_connections(1)
    await stays_false(lambda: venue.opened > 1, 2.5, what="a quiet, answering connection cut")


async def test_peer_that_answers_nothing_is_cut(venue, run_feeds):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("1", "1")], asks=[("2", "1")])]
    venue.silent = True
    await run_feeds(
        venue,
        "binance",
        ["BTCUSDT"],
        watchdog=True,
        silence_timeout=0.6,
        watchdog_interval=0.05,
        stale_after=60,
    )
    await venue.wait_connections(1)
    await wait_for(lambda: venue.opened >= 2, timeout=6, what="the dead connection replaced")
