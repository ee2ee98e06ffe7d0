"""A `public/subscribe` the venue answers with an error is logged, counted and quarantined, retried
later, and the book it was for never claims to be live (get_order_book alone is not a stream)."""

from tests.exchanges.connectors.scripted_venue import stays_false, wait_for


async def test_refused_subscribe_is_counted_and_the_book_stays_down(venue, run_feeds, sink, caplog):
    def rpc(method, params):
        if method == "public/subscribe":
            return {"error": {"code": 10028, "message": "too_many_requests"}}
        if method == "public/get_order_book":
            return {"result": {"change_id": 5, "timestamp": 1, "bids": [[99.0, 1.0]], "asks": [[101.0, 1.0]]}}
        return None

    venue.rpc_fn = rpc
    sup = await run_feeds(
        venue,
        "deribit",
        ["BTC-PERPETUAL"],
        sink=sink,
        watchdog=True,
        sync_timeout=0.2,
        watchdog_interval=0.02,
    )
    await wait_for(
        lambda: any(q.kind == "rpc_error" for q in sup.quarantine.frames), what="the quarantined answer"
    )
    assert "too_many_requests" in next(q.reason for q in sup.quarantine.frames if q.kind == "rpc_error")
    assert sup.stats()["venues"]["deribit"]["rpc_errors"] >= 1
    assert any("subscribe refused" in r.getMessage() for r in caplog.records)
    # the watchdog retries the subscription, never serving a book nobody streams
    await wait_for(
        lambda: sum(f.get("method") == "public/subscribe" for f in venue.received) >= 2,
        what="a second subscribe",
    )
    await stays_false(lambda: sup.books()["deribit:BTC-PERPETUAL"].state == "live", 0.6, what="a live book")
    assert "live" not in [e.state for e in sink.states]
