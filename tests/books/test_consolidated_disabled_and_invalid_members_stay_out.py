"""An instrument the admin disables leaves its consolidated book at once (listed out as disabled),
even while its old connector still streams, and comes back once enabled and live again; an
instrument whose metadata cannot give base units (COIN-M without a contract size) is listed out as
invalid and never joins; options join no book."""

import dataclasses
from decimal import Decimal

from books.consolidated import ConsolidatedBooks
from books.orderbook import BookState, VenueBook
from exchanges.types import InstrumentSpec, StateEvent
from tests.books.live_fixture import DERIBIT, SPOT

D = Decimal


def _live_book(sink, spec, bids, asks):
    book = VenueBook(venue=spec.venue, symbol=spec.symbol)
    book.load_snapshot(bids=bids, asks=asks, sequence=1, at=1.0)
    book.state = BookState.LIVE
    sink.book_changed(spec, book, ts=1.0, bids=bids, asks=asks, snapshot=True)
    return book


def test_a_disabled_instrument_leaves_and_an_enabled_one_returns():
    sink = ConsolidatedBooks([SPOT, DERIBIT])
    _live_book(sink, SPOT, [(D(99), D(1))], [(D(101), D(1))])
    deribit_book = _live_book(sink, DERIBIT, [(D(99), D(990))], [(D(101), D(1010))])
    book = sink.books["BTC-USDT"]
    assert book.levels("bids") == [(D(99), D(11), {"binance:BTCUSDT": D(1), "deribit:BTC-PERPETUAL": D(10)})]

    sink.set_specs([SPOT], now=2.0)
    assert book.venues_out() == {"deribit:BTC-PERPETUAL": "disabled: instrument disabled"}
    assert book.levels("bids") == [(D(99), D(1), {"binance:BTCUSDT": D(1)})]
    # The old connector still streams until the swap is done: nothing comes back in.
    bids = [(D(99), D(1980))]
    deribit_book.apply(bids=bids, sequence=2, at=3.0)
    sink.book_changed(DERIBIT, deribit_book, ts=3.0, bids=bids, asks=[], snapshot=False)
    sink.state_changed(StateEvent(venue="deribit", symbol="BTC-PERPETUAL", state="live", ts=3.0))
    assert book.levels("bids") == [(D(99), D(1), {"binance:BTCUSDT": D(1)})]

    sink.set_specs([SPOT, DERIBIT], now=4.0)
    assert book.members["deribit:BTC-PERPETUAL"].state == "connecting"
    sink.book_changed(
        DERIBIT,
        deribit_book,
        ts=5.0,
        bids=deribit_book.bids.top(10),
        asks=deribit_book.asks.top(10),
        snapshot=True,
    )
    assert book.venues_out() == {}
    assert book.levels("bids") == [(D(99), D(21), {"binance:BTCUSDT": D(1), "deribit:BTC-PERPETUAL": D(20)})]


def test_a_changed_contract_size_rejoins_with_the_new_conversion():
    coinm = InstrumentSpec(
        venue="binance-coinm",
        symbol="BTCUSD_PERP",
        pair="BTC-USD",
        kind="perpetual",
        contract_size=D(100),
        consolidate_into="BTC-USDT",
    )
    sink = ConsolidatedBooks([coinm])
    venue_book = _live_book(sink, coinm, [(D(50000), D(5))], [])
    assert sink.books["BTC-USDT"].levels("bids") == [
        (D(50000), D("0.01"), {"binance-coinm:BTCUSD_PERP": D("0.01")})
    ]
    resized = dataclasses.replace(coinm, contract_size=D(10))
    sink.book_changed(resized, venue_book, ts=2.0, bids=venue_book.bids.top(5), asks=[], snapshot=True)
    assert sink.books["BTC-USDT"].levels("bids") == [
        (D(50000), D("0.001"), {"binance-coinm:BTCUSD_PERP": D("0.001")})
    ]


def test_invalid_metadata_and_options_stay_out():
    no_size = InstrumentSpec(
        venue="binance-coinm",
        symbol="ETHUSD_PERP",
        pair="ETH-USD",
        kind="perpetual",
        consolidate_into="ETH-USDT",
    )
    option = InstrumentSpec(venue="deribit", symbol="ETH-27DEC25-4000-C", pair="ETH-USD", kind="option")
    sink = ConsolidatedBooks([no_size, option])
    _live_book(sink, no_size, [(D(3000), D(7))], [(D(3001), D(7))])
    _live_book(sink, option, [(D("0.05"), D(3))], [(D("0.06"), D(3))])
    book = sink.books["ETH-USDT"]
    assert book.venues_out() == {
        "binance-coinm:ETHUSD_PERP": "invalid: a contract-denominated book needs a positive contract size"
    }
    assert book.levels("bids") == [] and book.levels("asks") == []
    assert sorted(sink.books) == ["ETH-USDT"]  # the option is in no book
