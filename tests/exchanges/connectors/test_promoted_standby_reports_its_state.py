"""A standby promoted while still connecting (the old connection died first) tells the sinks: they
no longer show the old connection's `live`."""

import asyncio

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_standby_promoted_while_connecting_emits_its_state(venue, run_feeds, sink):
    venue.snapshot_fn = lambda symbol: snapshot(100 * venue.opened, bids=[("1", "1")])
    sup = await run_feeds(venue, "binance", ["BTCUSDT"], sink=sink)
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "live")
    venue.hold_ws = asyncio.Event()  # the new connection's handshake hangs
    await sup.apply_control({"action": "reconnect", "venue": "binance"})
    await asyncio.sleep(0)
    await venue.connections[0].close()
    await wait_for(lambda: sink.states[-1].state != "live", what="the sinks told the book is not live")
    assert sink.states[-1].state == "connecting"
    venue.hold_ws.set()
    await wait_for(lambda: venue.opened == 2)
    await venue.send(depth("BTCUSDT", 201, 201, asks=[("2", "2")]))
    await wait_for(
        lambda: sup.books()["binance:BTCUSDT"].sequence == 201, what="the new connection streaming"
    )
    assert sink.states[-1].state == "live"
