from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_a_dropped_connection_is_reopened_and_the_book_rebuilt(venue, run_feeds, sink):
    venue.snapshot_fn = lambda symbol: snapshot(100 * venue.opened, bids=[(str(venue.opened), "1")])
    sup = await run_feeds(venue, "binance", ["BTCUSDT"], sink=sink)
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("9", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "live")
    await venue.connections[0].close()
    await wait_for(lambda: venue.opened == 2 and len(venue.connections) == 1, what="reconnect")
    await venue.send(depth("BTCUSDT", 201, 201, asks=[("9", "2")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 201)
    assert sup.books()["binance:BTCUSDT"].to_json() == {"bids": [["2", "1"]], "asks": [["9", "2"]]}
    assert sup.stats()["venues"]["binance"]["reconnects"] == 1
    assert "backoff" in [e.state for e in sink.states]


async def test_an_unreachable_venue_is_retried_with_backoff(run_feeds, unused_tcp_port, sink):
    class Nowhere:
        ws_url = f"ws://127.0.0.1:{unused_tcp_port}"
        rest_url = f"http://127.0.0.1:{unused_tcp_port}"

    sup = await run_feeds(Nowhere, "binance", ["BTCUSDT"], sink=sink)
    await wait_for(
        lambda: sup.stats()["venues"].get("binance", {}).get("reconnects", 0) >= 3, what="three retries"
    )
    # between attempts the book says it is waiting to reconnect, and it never claims to be live
    assert "backoff" in [e.state for e in sink.states]
    assert "live" not in [e.state for e in sink.states]
