"""A book that is not live is resynced once per `sync_timeout`, not at every watchdog tick: the
snapshot in flight gets its chance."""

from tests.exchanges.connectors.frames import snapshot
from tests.exchanges.connectors.scripted_venue import stays_false, wait_for


async def test_slow_snapshots_are_asked_once_per_sync_timeout(venue, run_feeds):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("1", "1")], asks=[("2", "1")])]
    venue.snapshot_delay = 30.0  # never in time
    sup = await run_feeds(
        venue, "binance", ["BTCUSDT"], watchdog=True, sync_timeout=0.3, watchdog_interval=0.02
    )
    await venue.wait_connections(1)
    await wait_for(lambda: sup.stats()["venues"]["binance"]["resyncs"] >= 1, what="the first resync")
    first = sup.stats()["venues"]["binance"]["resyncs"]
    # over 1.2 s, four sync timeouts: at most one resync per 0.3 s, not one per 20 ms tick
    await stays_false(
        lambda: sup.stats()["venues"]["binance"]["resyncs"] - first > 5, 1.2, what="a resync per tick"
    )
    assert len(venue.snapshot_requests) <= 7
