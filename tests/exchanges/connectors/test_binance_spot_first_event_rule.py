"""Spot: drop events the snapshot holds (u <= L), the first applied brackets L+1, then U == prev u + 1."""

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_events_before_the_snapshot_are_dropped_and_the_bridging_one_applied(venue, run_feeds, sink):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("99.5", "1")], asks=[("100.5", "2")])]
    sup = await run_feeds(venue, "binance", ["BTCUSDT"], sink=sink)
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 90, 100, bids=[("99.5", "7")]))  # u <= L: already in the snapshot
    await venue.send(depth("BTCUSDT", 98, 103, bids=[("99.0", "3")]))  # brackets L+1 = 101
    await venue.send(depth("BTCUSDT", 104, 104, asks=[("100.5", "0"), ("101.0", "4")]))
    book = lambda: sup.books()["binance:BTCUSDT"]  # noqa: E731
    await wait_for(lambda: book().sequence == 104, what="the book to reach u=104")
    assert book().to_json() == {"bids": [["99.5", "1"], ["99", "3"]], "asks": [["101", "4"]]}
    assert book().state == "live"
    assert sink.changes[0][4] is True  # the first thing downstream sees is the whole book


async def test_an_event_that_skips_an_id_after_live_is_a_gap(venue, run_feeds):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("99.5", "1")]), snapshot(200, bids=[("98", "5")])]
    sup = await run_feeds(venue, "binance", ["BTCUSDT"])
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, bids=[("99.6", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 101)
    await venue.send(depth("BTCUSDT", 103, 103, bids=[("99.7", "1")]))  # 102 never came
    await venue.send(depth("BTCUSDT", 199, 201, asks=[("101", "1")]))
    await wait_for(
        lambda: sup.books()["binance:BTCUSDT"].sequence == 201, what="resync onto the second snapshot"
    )
    assert sup.books()["binance:BTCUSDT"].to_json() == {"bids": [["98", "5"]], "asks": [["101", "1"]]}
    assert sup.stats()["venues"]["binance"]["gaps"] >= 1
    assert venue.snapshot_requests.count("BTCUSDT") == 2
