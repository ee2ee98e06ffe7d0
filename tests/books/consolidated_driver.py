"""Drives a ConsolidatedBooks sink the way connectors do, for the hypothesis tests: three venue
books of BTC (spot, COIN-M contracts of 100 USD, Deribit USD amounts) on overlapping price grids,
and random diffs, reloads (cut at 4 levels, so later diffs past the cut are ignored by the venue
book and must be by the consolidated one) and state changes."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from books.orderbook import BookState, VenueBook
from exchanges.types import InstrumentSpec, StateEvent
from tests.books.venue_books import btc_coinm, btc_deribit

SPECS = [
    InstrumentSpec(venue="binance", symbol="BTCUSDT", pair="BTC-USDT", kind="spot", depth=6),
    btc_coinm(consolidate_into="BTC-USDT", depth=6),
    btc_deribit(consolidate_into="BTC-USDT", depth=6),
]
META = {
    s.key: {"venue": s.venue, "kind": s.kind, "quote": s.pair.split("-")[1], "contract_size": s.contract_size}
    for s in SPECS
}
STATES = ["live", "stale", "resyncing", "syncing", "backoff"]

# Bids below 100, asks from 100 up, on grids that overlap (0.5 steps, some venues every other one).
bid_price = st.integers(min_value=1, max_value=12).map(lambda k: Decimal(100) - Decimal(k) / 2)
ask_price = st.integers(min_value=0, max_value=11).map(lambda k: Decimal(100) + Decimal(k) / 2)
spot_qty = st.integers(min_value=0, max_value=5000).map(lambda n: Decimal(n) / 1000)
contracts = st.integers(min_value=0, max_value=40).map(Decimal)


def _levels(price):
    return st.lists(st.tuples(price, st.one_of(spot_qty, contracts)), max_size=8)


op = st.one_of(
    st.tuples(st.just("diff"), st.integers(0, 2), _levels(bid_price), _levels(ask_price)),
    st.tuples(st.just("snapshot"), st.integers(0, 2), _levels(bid_price), _levels(ask_price)),
    st.tuples(st.just("state"), st.integers(0, 2), st.sampled_from(STATES), st.booleans()),
)


class Venues:
    """The venue books and the sink, moved together as a connector would move them."""

    def __init__(self, sink) -> None:
        self.sink = sink
        self.books = {s.key: VenueBook(venue=s.venue, symbol=s.symbol, depth=s.depth) for s in SPECS}
        self.ts = 0.0

    def _venue_qty(self, i: int, q: Decimal) -> Decimal:
        # Deribit amounts are multiples of 10 USD; COIN-M whole contracts; spot any.
        if SPECS[i].venue == "deribit":
            return q.to_integral_value() * 10
        if SPECS[i].venue == "binance-coinm":
            return q.to_integral_value()
        return q

    def run(self, step) -> None:
        self.ts += 1
        kind, i = step[0], step[1]
        spec = SPECS[i]
        book = self.books[spec.key]
        if kind in ("diff", "snapshot"):
            bids = [(p, self._venue_qty(i, q)) for p, q in step[2]]
            asks = [(p, self._venue_qty(i, q)) for p, q in step[3]]
            if kind == "diff":
                book.apply(bids=bids, asks=asks, sequence=None, at=self.ts)
            else:
                book.load_snapshot(
                    bids=[x for x in bids if x[1]], asks=[x for x in asks if x[1]], sequence=None, at=self.ts
                )
            if book.state is BookState.LIVE:  # connectors report changes of live books only
                if kind == "snapshot":
                    bids, asks = book.top(1000)
                self.sink.book_changed(
                    spec, book, ts=self.ts, bids=bids, asks=asks, snapshot=kind == "snapshot"
                )
        else:
            state, full_after = step[2], step[3]
            book.state = BookState(state)
            self.sink.state_changed(StateEvent(venue=spec.venue, symbol=spec.symbol, state=state, ts=self.ts))
            if state == "live" and full_after:  # Binance sends the whole book once live again
                bids, asks = book.top(1000)
                self.sink.book_changed(spec, book, ts=self.ts, bids=bids, asks=asks, snapshot=True)

    def live_members(self) -> dict[str, dict]:
        out = {}
        for key, book in self.books.items():
            if book.state is BookState.LIVE:
                bids, asks = book.top(1000)
                out[key] = {**META[key], "bids": bids, "asks": asks}
        return out

    def start_live(self) -> None:
        """Every book live (empty), as the sink first sees them."""
        for spec in SPECS:
            book = self.books[spec.key]
            book.state = BookState.LIVE
            self.sink.state_changed(StateEvent(venue=spec.venue, symbol=spec.symbol, state="live", ts=0.0))
            self.sink.book_changed(spec, book, ts=0.0, bids=[], asks=[], snapshot=True)
