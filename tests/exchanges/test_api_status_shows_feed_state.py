"""What the feed process reports is what /api/status shows, for every enabled venue and instrument."""

import pytest
from asgiref.sync import sync_to_async

from exchanges.status import StatusBoard, feed_states_save
from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


@pytest.mark.django_db(transaction=True)
async def test_status_endpoint_lists_venues_and_books(seeded, venue, run_feeds, async_client):
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
    books = {b["symbol"]: b for b in body["instruments"] if b["venue"] == "binance"}
    book = books["ETHUSDT"]
    assert (book["state"], book["reason"], book["best_bid"], book["best_ask"]) == (
        "live",
        "",
        "3000.5",
        "3001",
    )
    assert book["sequence"] == 8
    # Enabled but not streamed by this feed process: listed, and said so.
    assert books["BTCUSDT"]["state"] == "unknown"
    assert "not reported by the feed process" in books["BTCUSDT"]["reason"]
