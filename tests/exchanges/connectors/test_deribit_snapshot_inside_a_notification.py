"""get_order_book's change_id can fall inside a 100ms notification: that notification applies,
and a venue that keeps answering badly is asked again more and more slowly, never in a loop."""

import time

from tests.exchanges.connectors.frames import deribit_book
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_a_notification_straddling_the_book_change_id_is_applied(venue, run_feeds):
    venue.rpc_fn = lambda m, p: (
        {"result": {"change_id": 105, "bids": [[100.0, 5.0]], "asks": [[101.0, 6.0]]}}
        if m == "public/get_order_book"
        else None
    )
    sup = await run_feeds(venue, "deribit", ["BTC-PERPETUAL"])
    await venue.wait_connections(1)
    await venue.send(deribit_book("BTC-PERPETUAL", "snapshot", 90, bids=[["new", 99.0, 1.0]]))
    await venue.send(deribit_book("BTC-PERPETUAL", "change", 100, bids=[["new", 98.0, 1.0]], prev=95))  # gap
    await venue.send(deribit_book("BTC-PERPETUAL", "change", 110, bids=[["new", 100.0, 7.0]], prev=100))
    await wait_for(lambda: sup.books()["deribit:BTC-PERPETUAL"].sequence == 110, what="the straddling change")
    assert sup.books()["deribit:BTC-PERPETUAL"].to_json() == {"bids": [["100", "7"]], "asks": [["101", "6"]]}
    assert sum(f.get("method") == "public/get_order_book" for f in venue.received) == 1


async def test_repeated_bad_answers_are_retried_with_growing_delays(venue, run_feeds):
    # The answer never chains with the stream: every load finds a gap again.
    venue.rpc_fn = lambda m, p: (
        {"result": {"change_id": 50, "bids": [[100.0, 5.0]], "asks": []}}
        if m == "public/get_order_book"
        else None
    )
    sup = await run_feeds(venue, "deribit", ["BTC-PERPETUAL"], backoff_cap=5.0)
    await venue.wait_connections(1)
    await venue.send(deribit_book("BTC-PERPETUAL", "snapshot", 90, bids=[["new", 99.0, 1.0]]))
    await venue.send(deribit_book("BTC-PERPETUAL", "change", 200, bids=[["new", 98.0, 1.0]], prev=150))
    started = time.monotonic()
    await wait_for(lambda: sup.stats()["venues"]["deribit"]["resyncs"] >= 5, timeout=10)
    # 0, 0, 0.5 and 1 s of waiting before the fifth: a loop would get there in milliseconds
    assert time.monotonic() - started >= 1.0
    assert sum(f.get("method") == "public/get_order_book" for f in venue.received) <= 5
