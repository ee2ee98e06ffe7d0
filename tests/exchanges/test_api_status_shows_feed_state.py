"""What the feed process reports is what /api/status shows."""

import pytest
from asgiref.sync import sync_to_async

from exchanges.status import StatusBoard, feed_states_save
from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


@pytest.mark.django_db(transaction=True)
async def test_status_endpoint_lists_venues_and_books(venue, run_feeds, async_client):
    venue.snapshots["ETHUSDT"] = [snapshot(7, bids=[("3000.5", "1")], asks=[("3001", "2")])]
    sup = await run_feeds(venue, "binance", ["ETHUSDT"])
    await venue.wait_connections(1)
    await venue.send(depth("ETHUSDT", 8, 8, bids=[("3000", "4")]))
    await wait_for(lambda: sup.books()["binance:ETHUSDT"].state == "live")
    await sync_to_async(feed_states_save)(rows=StatusBoard().rows(sup))
    body = (await async_client.get("/api/status")).json()
    assert body["venues"][0]["venue"] == "binance"
    assert body["venues"][0]["state"] == "live"
    assert body["venues"][0]["books_live"] == 1
    [book] = body["instruments"]
    assert (book["symbol"], book["state"], book["best_bid"], book["best_ask"]) == ("ETHUSDT", "live", "3000.5", "3001")
    assert book["sequence"] == 8
