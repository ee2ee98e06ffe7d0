"""serverShutdown: a new connection is opened and synced before the old one goes; the book never goes dark."""

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_shutdown_notice_opens_and_syncs_a_new_connection_first(venue, run_feeds, sink):
    venue.snapshot_fn = lambda symbol: snapshot(100 if venue.opened == 1 else 200, bids=[("1", "1")])
    sup = await run_feeds(venue, "binance", ["BTCUSDT"], sink=sink)
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "live")
    await venue.send({"stream": "x", "data": {"e": "serverShutdown", "E": 1}}, conn=0)
    await venue.wait_connections(2)
    states_before = len(sink.states)
    # the old connection still streams while the new one syncs
    await venue.send(depth("BTCUSDT", 102, 102, asks=[("2", "2")]), conn=0)
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 102)
    await venue.send(depth("BTCUSDT", 201, 201, asks=[("3", "1")]), conn=1)
    await wait_for(lambda: len(venue.connections) == 1, what="the old connection to close")
    book = sup.books()["binance:BTCUSDT"]
    assert book.sequence == 201 and book.state == "live"
    # nobody downstream saw the book leave the live state
    assert all(e.state == "live" for e in sink.states[states_before:])
    assert sup.stats()["venues"]["binance"]["reconnects"] == 1
