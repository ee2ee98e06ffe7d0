"""A snapshot that lands after its connection closed (normally or abruptly) is thrown away: a book
is never `live` without a socket feeding it."""

import pytest

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import stays_false, wait_for


@pytest.mark.parametrize("how", ["close", "abort"])
async def test_snapshot_landing_after_the_socket_closed_is_discarded(venue, run_feeds, sink, how):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("1", "1")], asks=[("3", "1")])]
    venue.snapshot_delay = 0.5
    sup = await run_feeds(venue, "binance", ["BTCUSDT"], sink=sink, backoff_base=5.0, backoff_cap=5.0)
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "1")]))
    await wait_for(lambda: len(venue.snapshot_requests) == 1, what="the snapshot request")
    venue.refuse_ws = True  # the venue stays away: no new socket
    if how == "close":
        await venue.connections[0].close()
    else:
        venue.abort(0)
    await wait_for(lambda: venue.snapshots_answered == 1, what="the late snapshot")
    book = sup.books()["binance:BTCUSDT"]
    await stays_false(lambda: book.state == "live", 0.5, what="a live book without a socket")
    assert "live" not in [e.state for e in sink.states]
    assert sink.states[-1].state in ("backoff", "connecting")
    assert sink.changes == []
