"""Futures: drop u < L, the first applied has U <= L <= u, then every pu equals the previous u."""

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_futures_bracket_the_snapshot_id_itself_and_chain_by_pu(venue, run_feeds):
    venue.snapshots["BTCUSDT"] = [snapshot(500, bids=[("65000.1", "2")], asks=[("65000.2", "1")])]
    sup = await run_feeds(venue, "binance-usdm", ["BTCUSDT"])
    await venue.wait_connections(2)  # USD-M: depth on /public, trades on /market
    depth_conn = next(i for i, ws in enumerate(venue.connections) if "/public/" in str(ws._req.path))
    await venue.send(
        depth("BTCUSDT", 480, 499, bids=[("1", "1")], prev=470), conn=depth_conn
    )  # u < L: dropped
    await venue.send(
        depth("BTCUSDT", 495, 505, bids=[("65000.0", "3")], prev=494), conn=depth_conn
    )  # U <= L <= u
    await venue.send(depth("BTCUSDT", 506, 510, asks=[("65000.2", "0.5")], prev=505), conn=depth_conn)
    # pu chains from the previous u even when ids in between were skipped (futures batch ids)
    await venue.send(depth("BTCUSDT", 530, 540, bids=[("65000.1", "0")], prev=510), conn=depth_conn)
    await wait_for(lambda: sup.books()["binance-usdm:BTCUSDT"].sequence == 540)
    assert sup.books()["binance-usdm:BTCUSDT"].to_json() == {
        "bids": [["65000", "3"]],
        "asks": [["65000.2", "0.5"]],
    }
    assert sup.stats()["venues"]["binance-usdm"]["gaps"] == 0


async def test_a_broken_pu_chain_resyncs(venue, run_feeds):
    venue.snapshots["ETHUSD_PERP"] = [snapshot(10, bids=[("3000", "5")]), snapshot(50, bids=[("3001", "6")])]
    sup = await run_feeds(venue, "binance-coinm", ["ETHUSD_PERP"])
    await venue.wait_connections(1)
    await venue.send(depth("ETHUSD_PERP", 9, 12, asks=[("3002", "1")], prev=8))
    await wait_for(lambda: sup.books()["binance-coinm:ETHUSD_PERP"].state == "live")
    await venue.send(depth("ETHUSD_PERP", 20, 25, asks=[("3003", "1")], prev=19))  # pu 19 != 12
    await venue.send(depth("ETHUSD_PERP", 45, 55, asks=[("3004", "2")], prev=44))
    await wait_for(lambda: sup.books()["binance-coinm:ETHUSD_PERP"].sequence == 55, what="resync")
    assert sup.books()["binance-coinm:ETHUSD_PERP"].to_json() == {
        "bids": [["3001", "6"]],
        "asks": [["3004", "2"]],
    }
    assert sup.stats()["venues"]["binance-coinm"]["resyncs"] == 1


async def test_a_first_event_chaining_from_the_snapshot_id_is_accepted(venue, run_feeds):
    # The snapshot was taken between two events: the next one starts after L but its pu is L.
    venue.snapshots["BTCUSD_PERP"] = [snapshot(300, bids=[("60000.1", "7")])]
    sup = await run_feeds(venue, "binance-coinm", ["BTCUSD_PERP"])
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSD_PERP", 301, 305, asks=[("60000.2", "3")], prev=300))
    await wait_for(lambda: sup.books()["binance-coinm:BTCUSD_PERP"].sequence == 305)
    assert venue.snapshot_requests.count("BTCUSD_PERP") == 1
    assert sup.books()["binance-coinm:BTCUSD_PERP"].to_json() == {
        "bids": [["60000.1", "7"]],
        "asks": [["60000.2", "3"]],
    }
