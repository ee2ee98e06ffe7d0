"""A Binance symbol with no diff after its snapshot is live at once and stays live: successful
snapshots are never counted as failures."""

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import stays_false, wait_for


async def test_quiet_symbol_is_live_after_one_snapshot(venue, run_feeds, sink):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("1", "1")], asks=[("2", "1")])]
    sup = await run_feeds(
        venue, "binance", ["BTCUSDT"], sink=sink, watchdog=True, sync_timeout=0.2, watchdog_interval=0.02
    )
    await venue.wait_connections(1)
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "live", what="live after the snapshot")
    key, _, bids, asks, full, sequence = sink.changes[-1]
    assert (key, full, sequence, len(bids), len(asks)) == ("binance:BTCUSDT", True, 100, 1, 1)
    await stays_false(
        lambda: sup.books()["binance:BTCUSDT"].state != "live", 1.2, what="the quiet book leaving live"
    )
    assert venue.snapshot_requests == ["BTCUSDT"]
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "4")]))  # the first diff brackets the snapshot
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 101)
    assert sup.books()["binance:BTCUSDT"].to_json() == {"bids": [["1", "1"]], "asks": [["2", "4"]]}
