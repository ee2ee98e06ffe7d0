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


def btc_coinm(**extra) -> InstrumentSpec:
    """Binance COIN-M's BTC perpetual: contracts of 100 USD."""
    return InstrumentSpec(
        venue="binance-coinm",
        symbol="BTCUSD_PERP",
        pair="BTC-USD",
        kind="perpetual",
        contract_size=Decimal(100),
        **extra,
    )


def btc_deribit(**extra) -> InstrumentSpec:
    """Deribit's BTC perpetual, as the venue's instrument list gives it (contract size 10 USD)."""
    return InstrumentSpec(
        venue="deribit",
        symbol="BTC-PERPETUAL",
        pair="BTC-USD",
        kind="perpetual",
        contract_size=Decimal(10),
        **extra,
    )
