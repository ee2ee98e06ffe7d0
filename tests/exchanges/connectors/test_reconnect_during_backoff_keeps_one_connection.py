"""A reconnect asked for while a group waits out its backoff gives that group one connection, not
two: every trade and book change reaches the sinks once."""

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import stays_false, wait_for

TRADE = {
    "stream": "btcusdt@aggTrade",
    "data": {"e": "aggTrade", "E": 1, "s": "BTCUSDT", "a": 7, "p": "100.5", "q": "1", "T": 1, "m": True},
}


async def test_reconnect_during_backoff_leaves_one_live_connection(venue, run_feeds, sink):
    venue.snapshot_fn = lambda symbol: snapshot(100 * venue.opened, bids=[("1", "1")])
    sup = await run_feeds(venue, "binance", ["BTCUSDT"], sink=sink, backoff_base=1.0, backoff_cap=1.0)
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "live")
    await venue.connections[0].close()
    await wait_for(lambda: any(e.state == "backoff" for e in sink.states), what="the backoff")
    assert await sup.apply_control({"action": "reconnect", "venue": "binance"}) == "reconnect binance"
    await wait_for(lambda: venue.opened >= 2, what="a new connection")
    # The backoff (at most 1 s) runs out: no second connection may open for the same streams.
    await stays_false(lambda: venue.opened >= 3, 1.5, what="a second connection for one group")
    await venue.broadcast(TRADE)
    await wait_for(lambda: len(sink.trades) >= 1, what="the trade")
    await stays_false(lambda: len(sink.trades) >= 2, 0.3, what="the trade reaching the sinks twice")
    assert len(venue.connections) == 1
