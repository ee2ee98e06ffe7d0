"""A level is a [price, quantity] pair of decimal strings (Binance) or JSON numbers (Deribit).

Anything else, even what Python's Decimal would take ("1_000", " 5", True, a two-character
string unpacked as a pair), is counted and quarantined as malformed and changes no book.
"""

import json

import pytest

from tests.exchanges.connectors.frames import depth, deribit_book, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for

BINANCE_BAD_LEVELS = [
    ["12"],  # a string of two characters, not a pair: would read as price 1, quantity 2
    [["99", True]],  # JSON true would be quantity 1
    [["1_000", "1"]],  # Python's Decimal reads underscores
    [[" 99", "1"]],  # and surrounding spaces
    [["99", "1e3"]],  # Binance never sends an exponent
    [["+99", "1"]],
    [[99, "1"]],  # a JSON number where Binance sends a string
    [["99", "1", "5"]],  # three items
]


@pytest.mark.parametrize("levels", BINANCE_BAD_LEVELS, ids=[json.dumps(x) for x in BINANCE_BAD_LEVELS])
async def test_binance_level_that_is_not_a_decimal_string_is_refused(venue, run_feeds, levels):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("99", "1")], asks=[("101", "1")])]
    sup = await run_feeds(venue, "binance", ["BTCUSDT"])
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, bids=[("98", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 101)
    bad = depth("BTCUSDT", 102, 102)
    bad["data"]["b"] = levels
    await venue.send(bad)
    await venue.send(depth("BTCUSDT", 102, 102, bids=[("97", "1")]))  # the real event: no gap
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 102)
    assert [(q.kind, q.venue) for q in sup.quarantine.frames] == [("bad_number", "binance")]
    assert sup.stats()["venues"]["binance"]["malformed"] == 1
    assert sup.books()["binance:BTCUSDT"].to_json()["bids"] == [["99", "1"], ["98", "1"], ["97", "1"]]


async def test_binance_trade_with_a_number_that_is_not_a_decimal_string_is_refused(venue, run_feeds, sink):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("99", "1")], asks=[("101", "1")])]
    sup = await run_feeds(venue, "binance", ["BTCUSDT"], sink=sink)
    await venue.wait_connections(1)
    trade = {"e": "aggTrade", "E": 1, "s": "BTCUSDT", "a": 7, "p": "1_000", "q": "1", "T": 1, "m": True}
    await venue.send({"stream": "btcusdt@aggTrade", "data": trade})
    await venue.send({"stream": "btcusdt@aggTrade", "data": {**trade, "a": 8, "p": "100.5"}})
    await wait_for(lambda: len(sink.trades) == 1)
    assert [q.kind for q in sup.quarantine.frames] == ["bad_number"]
    assert str(sink.trades[0].price) == "100.5"


DERIBIT_BAD_ENTRIES = [
    [["new", True, 1.0]],  # JSON true as a price
    [["new", 100.0, True]],
    [["new", "100", 1.0]],  # a string where Deribit sends a number
    [["new", 100.0, 1.0, 5]],
]


@pytest.mark.parametrize("entries", DERIBIT_BAD_ENTRIES, ids=[json.dumps(x) for x in DERIBIT_BAD_ENTRIES])
async def test_deribit_entry_that_is_not_a_json_number_is_refused(venue, run_feeds, entries):
    sup = await run_feeds(venue, "deribit", ["BTC-PERPETUAL"])
    await venue.wait_connections(1)
    await venue.send(deribit_book("BTC-PERPETUAL", "snapshot", 10, bids=[["new", 99.0, 1.0]]))
    await wait_for(lambda: sup.books()["deribit:BTC-PERPETUAL"].state == "live")
    bad = deribit_book("BTC-PERPETUAL", "change", 11, prev=10)
    bad["params"]["data"]["bids"] = entries
    await venue.send(bad)
    await venue.send(deribit_book("BTC-PERPETUAL", "change", 11, bids=[["new", 98.0, 2.0]], prev=10))
    await wait_for(lambda: sup.books()["deribit:BTC-PERPETUAL"].sequence == 11)
    assert [q.kind for q in sup.quarantine.frames] == ["bad_number"]
    assert sup.books()["deribit:BTC-PERPETUAL"].to_json()["bids"] == [["99", "1"], ["98", "2"]]


async def test_deribit_order_book_answer_with_string_numbers_is_refused(venue, run_feeds):
    def rpc(method, params):
        if method == "public/get_order_book":
            return {
                "result": {"change_id": 20, "timestamp": 1, "bids": [["1_00", 5.0]], "asks": [[101.0, 6.0]]}
            }
        return None

    venue.rpc_fn = rpc
    sup = await run_feeds(venue, "deribit", ["BTC-PERPETUAL"])
    await venue.wait_connections(1)
    await venue.send(deribit_book("BTC-PERPETUAL", "snapshot", 10, bids=[["new", 99.0, 1.0]]))
    await wait_for(lambda: sup.books()["deribit:BTC-PERPETUAL"].state == "live")
    await venue.send(deribit_book("BTC-PERPETUAL", "change", 19, bids=[["new", 98.0, 1.0]], prev=15))  # a gap
    await wait_for(
        lambda: any(q.kind == "bad_snapshot" for q in sup.quarantine.frames), what="refused answer"
    )
    assert sup.books()["deribit:BTC-PERPETUAL"].state != "live"
