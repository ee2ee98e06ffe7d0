from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_a_buffered_event_that_crosses_the_book_starts_a_clean_resync(venue, run_feeds):
    venue.snapshots["BTCUSDT"] = [
        snapshot(100, bids=[("99", "1")], asks=[("101", "1")]),
        snapshot(200, bids=[("99", "2")], asks=[("101", "2")]),
    ]
    venue.snapshot_fn = None
    sup = await run_feeds(venue, "binance", ["BTCUSDT"])
    await venue.wait_connections(1)
    # Buffered before the first snapshot arrives: the second one crosses, the rest follow it.
    await venue.send(depth("BTCUSDT", 101, 101, bids=[("98", "1")]))
    await venue.send(depth("BTCUSDT", 102, 102, bids=[("105", "1")]))
    await venue.send(depth("BTCUSDT", 103, 103, bids=[("97", "1")]))
    await venue.send(depth("BTCUSDT", 201, 201, bids=[("96", "1")]))
    await wait_for(
        lambda: sup.books()["binance:BTCUSDT"].sequence == 201, what="resync onto the second snapshot"
    )
    assert sup.books()["binance:BTCUSDT"].to_json() == {
        "bids": [["99", "2"], ["96", "1"]],
        "asks": [["101", "2"]],
    }
    assert [q.kind for q in sup.quarantine.frames] == ["crossed_book"]
