"""Two live venue books of BTC-USDT (spot, Deribit in USD) in a ConsolidatedBooks sink, moved as a
connector moves them, for the live publisher and store tests."""

from __future__ import annotations

from decimal import Decimal

from books.consolidated import ConsolidatedBooks
from books.orderbook import BookState
from exchanges.types import InstrumentSpec, StateEvent
from tests.books.venue_books import live_book

SPOT = InstrumentSpec(venue="binance", symbol="BTCUSDT", pair="BTC-USDT", kind="spot")
DERIBIT = InstrumentSpec(
    venue="deribit",
    symbol="BTC-PERPETUAL",
    pair="BTC-USD",
    kind="perpetual",
    contract_size=Decimal(10),
    consolidate_into="BTC-USDT",
)


class TwoVenues:
    def __init__(self) -> None:
        self.sink = ConsolidatedBooks([SPOT, DERIBIT])
        self.books = {}
        self.ts = 1.0
        for spec, bids, asks in (
            (
                SPOT,
                [(Decimal(100 - i), Decimal(1)) for i in range(1, 301)],
                [(Decimal(100 + i), Decimal(2)) for i in range(300)],
            ),
            (DERIBIT, [(Decimal("99.5"), Decimal(995))], [(Decimal("100.5"), Decimal(1005))]),
        ):
            book = live_book(spec, bids=bids, asks=asks, at=self.ts)
            self.books[spec.key] = book
            self.sink.book_changed(spec, book, ts=self.ts, bids=bids, asks=asks, snapshot=True)

    def change(self, qty: Decimal) -> None:
        """Spot's best bid changes quantity."""
        self.ts += 0.001
        bids = [(Decimal(99), qty)]
        self.books[SPOT.key].apply(bids=bids, sequence=None, at=self.ts)
        self.sink.book_changed(SPOT, self.books[SPOT.key], ts=self.ts, bids=bids, asks=[], snapshot=False)

    def deribit_state(self, state: str, reason: str = "") -> None:
        self.ts += 0.001
        self.books[DERIBIT.key].state = BookState(state)
        self.sink.state_changed(
            StateEvent(venue="deribit", symbol="BTC-PERPETUAL", state=state, ts=self.ts, reason=reason)
        )
