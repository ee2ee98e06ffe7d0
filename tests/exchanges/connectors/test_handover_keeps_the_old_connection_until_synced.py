"""A planned reconnect whose new connection cannot sync in time (a slow snapshot) keeps the old,
live connection instead of promoting an empty book."""

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import stays_false, wait_for


async def test_slow_standby_is_not_promoted_while_the_old_connection_lives(venue, run_feeds, sink):
    venue.snapshot_fn = lambda symbol: snapshot(100 * venue.opened, bids=[("1", "1")])
    sup = await run_feeds(
        venue,
        "binance",
        ["BTCUSDT"],
        sink=sink,
        planned_reconnect=True,
        connection_max_age=0.3,
        handover_timeout=0.3,
        watchdog_interval=0.02,
    )
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "live")
    venue.snapshot_delay = 1.0  # every new connection's snapshot comes after the handover timeout
    seen = len(sink.states)
    await wait_for(lambda: venue.opened >= 2, what="the planned reconnect")
    await stays_false(
        lambda: sup.books()["binance:BTCUSDT"].state != "live", 1.5, what="the book leaving live"
    )
    assert [e.state for e in sink.states[seen:]] in ([], ["live"] * len(sink.states[seen:]))
    assert sup.books()["binance:BTCUSDT"].to_json() == {"bids": [["1", "1"]], "asks": [["2", "1"]]}
    await venue.send(depth("BTCUSDT", 102, 102, asks=[("2", "3")]), conn=0)  # the old one still streams
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 102, what="the old connection serving")
