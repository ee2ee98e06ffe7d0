"""Live venue books built for the tests that feed a consolidated book (books, analytics, perf)."""

from __future__ import annotations

from decimal import Decimal

from books.orderbook import BookState, VenueBook
from exchanges.types import InstrumentSpec

AT = 1795000000.0  # a fixed venue time, so no test depends on the clock


def live_book(spec: InstrumentSpec, *, bids: list, asks: list, at: float = AT) -> VenueBook:
    """A venue book of `spec` loaded with these (Decimal price, Decimal quantity) levels and live."""
    book = VenueBook(venue=spec.venue, symbol=spec.symbol)
    book.load_snapshot(bids=bids, asks=asks, sequence=1, at=at)
    book.state = BookState.LIVE
    return book


def venue_book(spec: InstrumentSpec, levels: dict, *, at: float = AT) -> VenueBook:
    """`live_book` from hand-written levels: {"bids": [("price", "qty"), ...], "asks": [...]}."""
    return live_book(
        spec,
        bids=[(Decimal(p), Decimal(q)) for p, q in levels["bids"]],
        asks=[(Decimal(p), Decimal(q)) for p, q in levels["asks"]],
        at=at,
    )
