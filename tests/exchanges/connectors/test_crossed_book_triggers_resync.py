from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_an_update_that_crosses_the_book_is_refused_and_resynced(venue, run_feeds):
    venue.snapshots["BTCUSDT"] = [
        snapshot(100, bids=[("99", "1")], asks=[("101", "1")]),
        snapshot(200, bids=[("99", "2")], asks=[("101", "2")]),
    ]
    sup = await run_feeds(venue, "binance", ["BTCUSDT"])
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, bids=[("98", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 101)
    await venue.send(depth("BTCUSDT", 102, 102, bids=[("102", "1")]))  # bid above the best ask
    await venue.send(depth("BTCUSDT", 201, 201, bids=[("98", "3")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 201)
    assert [q.kind for q in sup.quarantine.frames] == ["crossed_book"]
    assert sup.books()["binance:BTCUSDT"].to_json() == {
        "bids": [["99", "2"], ["98", "3"]],
        "asks": [["101", "2"]],
    }
