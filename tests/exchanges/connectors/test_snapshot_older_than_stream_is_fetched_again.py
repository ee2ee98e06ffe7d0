from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_a_snapshot_the_stream_has_moved_past_is_replaced(venue, run_feeds):
    # The first snapshot (L=50) is older than the stream (first U=100): fetch again.
    venue.snapshots["BTCUSDT"] = [snapshot(50, bids=[("1", "1")]), snapshot(120, bids=[("3", "3")])]
    sup = await run_feeds(venue, "binance", ["BTCUSDT"])
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 100, 110, bids=[("2", "2")]))
    await venue.send(depth("BTCUSDT", 111, 125, asks=[("4", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 125)
    assert sup.books()["binance:BTCUSDT"].to_json() == {"bids": [["3", "3"]], "asks": [["4", "1"]]}


async def test_snapshots_that_never_catch_up_give_up_without_hammering(venue, run_feeds):
    venue.snapshots["BTCUSDT"] = [snapshot(5, bids=[("1", "1")])]
    sup = await run_feeds(venue, "binance", ["BTCUSDT"], snapshot_attempts=3)
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 100, 110, bids=[("2", "2")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "backoff", what="give up")
    await venue.send(depth("BTCUSDT", 111, 112, bids=[("2", "3")]))
    await wait_for(lambda: not sup.busy())
    # three that the stream had moved past, and perhaps one before: a snapshot answered before
    # any event is a good one (the book is live on it until the first event shows the gap)
    assert venue.snapshot_requests.count("BTCUSDT") in (3, 4)
