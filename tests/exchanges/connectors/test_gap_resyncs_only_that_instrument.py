from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_other_books_keep_streaming_while_one_resyncs(venue, run_feeds):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("1", "1")]), snapshot(300, bids=[("2", "2")])]
    venue.snapshots["ETHUSDT"] = [snapshot(1000, bids=[("10", "1")])]
    sup = await run_feeds(venue, "binance", ["BTCUSDT", "ETHUSDT"])
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("5", "1")]))
    await venue.send(depth("ETHUSDT", 1001, 1001, asks=[("50", "1")]))
    books = sup.books
    await wait_for(lambda: all(b.state == "live" for b in books().values()))
    await venue.send(depth("BTCUSDT", 150, 150, asks=[("5", "2")]))  # gap on BTC only
    await venue.send(depth("ETHUSDT", 1002, 1002, asks=[("51", "1")]))
    await wait_for(lambda: books()["binance:ETHUSDT"].sequence == 1002)
    assert books()["binance:ETHUSDT"].state == "live"
    assert books()["binance:BTCUSDT"].state != "live"
    await venue.send(depth("BTCUSDT", 299, 301, asks=[("6", "1")]))
    await wait_for(lambda: books()["binance:BTCUSDT"].sequence == 301)
    assert venue.snapshot_requests.count("ETHUSDT") == 1  # ETH was never resynced
    assert venue.opened == 1  # and nobody reconnected
