"""A consolidated book where one venue bids above another's ask is kept as it is and flagged with
the two venues, the crossing size in base units and its size in basis points (worked by hand)."""

from decimal import Decimal

from books.consolidated import ConsolidatedBooks
from books.orderbook import BookState, VenueBook
from exchanges.types import InstrumentSpec

D = Decimal
SPOT = InstrumentSpec(venue="binance", symbol="BTCUSDT", pair="BTC-USDT", kind="spot")
DERIBIT = InstrumentSpec(
    venue="deribit", symbol="BTC-PERPETUAL", pair="BTC-USD", kind="perpetual", consolidate_into="BTC-USDT"
)


def _feed(sink, spec, bids, asks):
    book = VenueBook(venue=spec.venue, symbol=spec.symbol)
    book.load_snapshot(bids=bids, asks=asks, sequence=1, at=1.0)
    book.state = BookState.LIVE
    sink.book_changed(spec, book, ts=1.0, bids=bids, asks=asks, snapshot=True)


def test_a_cross_venue_crossing_is_kept_and_flagged():
    sink = ConsolidatedBooks([SPOT, DERIBIT])
    # Spot bids 50,100 for 1 BTC and 50,050 for 2 BTC; Deribit offers 50,000 USD at 50,000
    # (1 BTC) and 100,500 USD at 50,250 (2 BTC), so spot's bids cross Deribit's asks.
    _feed(sink, SPOT, [(D(50100), D(1)), (D(50050), D(2))], [(D(50300), D(1))])
    _feed(sink, DERIBIT, [(D(49900), D(49900))], [(D(50000), D(50000)), (D(50250), D(100500))])
    book = sink.books["BTC-USDT"]

    # Kept: the best bid is above the best ask, both levels there.
    assert book.best_bid() == D(50100) and book.best_ask() == D(50000)
    assert book.levels("asks", 1) == [(D(50000), D(1), {"deribit:BTC-PERPETUAL": D(1)})]

    crossed = book.crossed()
    # Matched best first: 1 BTC at 50,100 against 1 BTC at 50,000; next bid 50,050 is below 50,250.
    assert crossed == {
        "bid_venue": "binance:BTCUSDT",
        "ask_venue": "deribit:BTC-PERPETUAL",
        "bid": D(50100),
        "ask": D(50000),
        "size": D(1),
        "bps": D("20.0000"),  # (50,100 - 50,000) / 50,000 x 10,000
    }


def test_an_uncrossed_book_is_not_flagged():
    sink = ConsolidatedBooks([SPOT, DERIBIT])
    _feed(sink, SPOT, [(D(49990), D(1))], [(D(50010), D(1))])
    _feed(sink, DERIBIT, [(D(49995), D(10))], [(D(50005), D(10))])
    assert sink.books["BTC-USDT"].crossed() is None
