"""Before the venue's 24 h limit, a new connection is synced and takes over; the book stays live."""

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_an_old_connection_is_renewed_without_the_book_going_dark(venue, run_feeds, sink):
    venue.snapshot_fn = lambda symbol: snapshot(100 * venue.opened, bids=[("1", "1")])
    sup = await run_feeds(
        venue,
        "binance",
        ["BTCUSDT"],
        sink=sink,
        planned_reconnect=True,
        connection_max_age=0.3,
        watchdog_interval=0.05,
    )
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "1")]))
    await wait_for(lambda: venue.opened == 2, what="a second connection before the age limit")
    live_events = len(sink.states)
    await venue.send(depth("BTCUSDT", 201, 201, asks=[("2", "5")]), conn=-1)
    await wait_for(
        lambda: sup.books()["binance:BTCUSDT"].sequence == 201, what="the new connection to take over"
    )
    assert all(e.state == "live" for e in sink.states[live_events:])
    assert sup.books()["binance:BTCUSDT"].to_json() == {"bids": [["1", "1"]], "asks": [["2", "5"]]}
    assert sup.stats()["venues"]["binance"]["reconnects"] >= 1
