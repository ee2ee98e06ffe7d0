"""Deribit: a snapshot, then changes whose prev_change_id is the last change_id; raw or 100ms."""

from tests.exchanges.connectors.frames import deribit_book
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_changes_chain_and_amounts_stay_exact(venue, run_feeds):
    sup = await run_feeds(venue, "deribit", ["BTC-PERPETUAL"])
    await venue.wait_connections(1)
    await wait_for(lambda: any(f.get("method") == "public/subscribe" for f in venue.received))
    subscribe = next(f for f in venue.received if f.get("method") == "public/subscribe")
    assert "book.BTC-PERPETUAL.100ms" in subscribe["params"]["channels"]
    await venue.send(
        deribit_book(
            "BTC-PERPETUAL", "snapshot", 10, bids=[["new", 65000.5, 1230.0]], asks=[["new", 65001.0, 10.0]]
        )
    )
    await venue.send(deribit_book("BTC-PERPETUAL", "change", 11, bids=[["change", 65000.5, 0.1]], prev=10))
    # the .raw channel of a capture is accepted too
    await venue.send(
        deribit_book(
            "BTC-PERPETUAL",
            "change",
            14,
            asks=[["delete", 65001.0, 0.0], ["new", 65002.5, 20.0]],
            prev=11,
            channel="raw",
        )
    )
    await wait_for(lambda: sup.books()["deribit:BTC-PERPETUAL"].sequence == 14)
    assert sup.books()["deribit:BTC-PERPETUAL"].to_json() == {
        "bids": [["65000.5", "0.1"]],
        "asks": [["65002.5", "20"]],
    }


async def test_a_break_in_the_chain_is_repaired_from_get_order_book(venue, run_feeds):
    def rpc(method, params):
        if method == "public/get_order_book":
            return {
                "result": {"change_id": 20, "timestamp": 1, "bids": [[100.0, 5.0]], "asks": [[101.0, 6.0]]}
            }
        return None

    venue.rpc_fn = rpc
    sup = await run_feeds(venue, "deribit", ["BTC-PERPETUAL"])
    await venue.wait_connections(1)
    await venue.send(deribit_book("BTC-PERPETUAL", "snapshot", 10, bids=[["new", 99.0, 1.0]]))
    await wait_for(lambda: sup.books()["deribit:BTC-PERPETUAL"].state == "live")
    await venue.send(deribit_book("BTC-PERPETUAL", "change", 19, bids=[["new", 98.0, 1.0]], prev=15))  # gap
    await venue.send(deribit_book("BTC-PERPETUAL", "change", 21, bids=[["new", 99.5, 2.0]], prev=20))
    await wait_for(lambda: sup.books()["deribit:BTC-PERPETUAL"].sequence == 21, what="repair")
    assert sup.books()["deribit:BTC-PERPETUAL"].to_json() == {
        "bids": [["100", "5"], ["99.5", "2"]],
        "asks": [["101", "6"]],
    }
    assert any(f.get("method") == "public/get_order_book" for f in venue.received)
    assert sup.stats()["venues"]["deribit"]["gaps"] == 1


async def test_when_get_order_book_fails_it_subscribes_again(venue, run_feeds):
    venue.rpc_fn = lambda m, p: (
        {"error": {"code": 10028, "message": "too_many_requests"}} if m.endswith("get_order_book") else None
    )
    sup = await run_feeds(venue, "deribit", ["ETH-PERPETUAL"])
    await venue.wait_connections(1)
    await venue.send(deribit_book("ETH-PERPETUAL", "snapshot", 1, bids=[["new", 3000.0, 1.0]]))
    await venue.send(deribit_book("ETH-PERPETUAL", "change", 5, bids=[["new", 2999.0, 1.0]], prev=4))
    await wait_for(
        lambda: sum(f.get("method") == "public/subscribe" for f in venue.received) == 2, what="resubscribe"
    )
    assert any(f.get("method") == "public/unsubscribe" for f in venue.received)
    await venue.send(deribit_book("ETH-PERPETUAL", "snapshot", 9, bids=[["new", 3001.0, 2.0]]))
    await wait_for(lambda: sup.books()["deribit:ETH-PERPETUAL"].sequence == 9)
    assert sup.books()["deribit:ETH-PERPETUAL"].state == "live"
