from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_other_books_keep_streaming_while_one_resyncs(venue, run_feeds, sink):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("1", "1")]), snapshot(300, bids=[("2", "2")])]
    venue.snapshots["ETHUSDT"] = [snapshot(1000, bids=[("10", "1")])]
    sup = await run_feeds(venue, "binance", ["BTCUSDT", "ETHUSDT"], sink=sink)
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("5", "1")]))
    await venue.send(depth("ETHUSDT", 1001, 1001, asks=[("50", "1")]))
    books = sup.books
    await wait_for(lambda: all(b.state == "live" for b in books().values()))
    await venue.send(depth("BTCUSDT", 150, 150, asks=[("5", "2")]))  # gap on BTC only
    await venue.send(depth("ETHUSDT", 1002, 1002, asks=[("51", "1")]))
    await wait_for(lambda: books()["binance:ETHUSDT"].sequence == 1002)
    assert books()["binance:ETHUSDT"].state == "live"
    # BTC left live for a new snapshot (which, with no diff after it, may already be live again)
    assert "resyncing" in [e.state for e in sink.states if e.symbol == "BTCUSDT"]
    assert not [e for e in sink.states if e.symbol == "ETHUSDT" and e.state == "resyncing"]
    await venue.send(depth("BTCUSDT", 299, 301, asks=[("6", "1")]))
    await wait_for(lambda: books()["binance:BTCUSDT"].sequence == 301)
    assert venue.snapshot_requests.count("ETHUSDT") == 1  # ETH was never resynced
    assert venue.opened == 1  # and nobody reconnected
