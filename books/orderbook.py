"""The venue book: one instrument's exact Level-2 book on one venue.

Prices and quantities are `Decimal`. Each side is a plain dict (price -> quantity) for O(1)
quantity changes, plus a SortedList of prices that changes only when a level appears or goes
(O(log n)). A top-k read walks k prices from the best end: O(k).

The boundary rule (a book never has a hole): a snapshot cut at a level limit tells nothing
about the levels past its worst price, so that price is the side's boundary. Every level inside
it is known (from the snapshot, then from the diffs, which name every change) and kept, however
many there are; a level past it is ignored, since the levels between it and the boundary are
unknown. A fresh snapshot sets a new boundary; a snapshot that was not cut (fewer levels than
the limit, or no limit as Deribit's subscription snapshot) has none. `depth` never deletes a
known level: it is only what is shown, stored and asked for.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Iterable
from decimal import Decimal

from sortedcontainers import SortedList

from books.numbers import ZERO, plain

Level = tuple[Decimal, Decimal]


class BookState(enum.StrEnum):
    CONNECTING = "connecting"
    SYNCING = "syncing"
    LIVE = "live"
    STALE = "stale"
    RESYNCING = "resyncing"
    BACKOFF = "backoff"
    INVALID = "invalid"  # the venue refused the symbol; its message is the state's reason


class Side:
    """One side of a book. `descending` is True for bids (best = highest)."""

    __slots__ = ("levels", "prices", "descending")

    def __init__(self, *, descending: bool) -> None:
        self.levels: dict[Decimal, Decimal] = {}
        self.prices = SortedList()
        self.descending = descending

    def __len__(self) -> int:
        return len(self.levels)

    def clear(self) -> None:
        self.levels.clear()
        self.prices.clear()

    def set(self, price: Decimal, qty: Decimal) -> None:
        """Absolute quantity at a price; zero removes the level."""
        levels = self.levels
        if qty == ZERO:
            if levels.pop(price, None) is not None:
                self.prices.remove(price)
        else:
            if price not in levels:
                self.prices.add(price)
            levels[price] = qty

    def best(self) -> Decimal | None:
        if not self.prices:
            return None
        return self.prices[-1] if self.descending else self.prices[0]

    def top(self, n: int) -> list[Level]:
        prices = self.prices
        levels = self.levels
        if self.descending:
            picked = prices.islice(max(len(prices) - n, 0), reverse=True)
        else:
            picked = prices.islice(0, n)
        return [(p, levels[p]) for p in picked]

    def trim(self, keep: int) -> int:
        """Drop the levels farthest from the top beyond `keep`; returns how many went.

        For cutting a book built to be shown (`book_at --depth`), never a live book's rule."""
        extra = len(self.prices) - keep
        if extra <= 0:
            return 0
        prices = self.prices
        if self.descending:
            far = list(prices.islice(0, extra))
            del prices[:extra]
        else:
            far = list(prices.islice(len(prices) - extra))
            del prices[-extra:]
        for p in far:
            del self.levels[p]
        return extra


class VenueBook:
    """Exact book of one instrument on one venue, with its sync state."""

    __slots__ = (
        "venue",
        "symbol",
        "depth",
        "bids",
        "asks",
        "bid_boundary",
        "ask_boundary",
        "sequence",
        "updated_at",
        "state",
        "trimmed",
    )

    def __init__(self, *, venue: str, symbol: str, depth: int | None = None) -> None:
        self.venue = venue
        self.symbol = symbol
        self.depth = depth  # levels a side shown, stored and asked for; never a cut of known levels
        self.bids = Side(descending=True)
        self.asks = Side(descending=False)
        # Worst price of a snapshot side cut at its limit: levels past it are unknown, so ignored.
        self.bid_boundary: Decimal | None = None
        self.ask_boundary: Decimal | None = None
        self.sequence: int | None = None
        self.updated_at: float = 0.0  # wall clock of the last change (event time where the venue gives one)
        self.state = BookState.CONNECTING
        self.trimmed = 0  # diff levels ignored past a boundary, for the counters

    @property
    def key(self) -> str:
        return f"{self.venue}:{self.symbol}"

    def clear(self) -> None:
        self.bids.clear()
        self.asks.clear()
        self.bid_boundary = self.ask_boundary = None
        self.sequence = None

    def load_snapshot(
        self,
        *,
        bids: Iterable[Level],
        asks: Iterable[Level],
        sequence: int | None,
        at: float | None = None,
        limit: int | None = None,
        bid_boundary: Decimal | None = None,
        ask_boundary: Decimal | None = None,
    ) -> None:
        """Replace the book. `limit`: the level count the snapshot was asked with (a side that
        has that many was cut there: its worst price becomes the boundary); None for a snapshot
        that was not cut. `bid_boundary`/`ask_boundary` give the boundaries outright (a stored
        snapshot read back); a level of the snapshot past them is not loaded."""
        self.clear()
        for p, q in bids:
            self.bids.set(p, q)
        for p, q in asks:
            self.asks.set(p, q)
        if limit is not None:
            if len(self.bids) >= limit:
                bid_boundary = _tighter(bid_boundary, self.bids.prices[0], bids=True)
            if len(self.asks) >= limit:
                ask_boundary = _tighter(ask_boundary, self.asks.prices[-1], bids=False)
        self.bid_boundary = bid_boundary
        self.ask_boundary = ask_boundary
        if bid_boundary is not None and self.bids.prices and self.bids.prices[0] < bid_boundary:
            _drop_past(self.bids, lambda p: p < bid_boundary)
        if ask_boundary is not None and self.asks.prices and self.asks.prices[-1] > ask_boundary:
            _drop_past(self.asks, lambda p: p > ask_boundary)
        self.sequence = sequence
        self.updated_at = time.time() if at is None else at

    def apply(
        self,
        *,
        bids: Iterable[Level] = (),
        asks: Iterable[Level] = (),
        sequence: int | None,
        at: float | None = None,
    ) -> None:
        """Apply absolute level quantities (zero deletes); levels past a boundary are ignored."""
        bound = self.bid_boundary
        bset = self.bids.set
        if bound is None:
            for p, q in bids:
                bset(p, q)
        else:
            for p, q in bids:
                if p >= bound:
                    bset(p, q)
                else:
                    self.trimmed += 1
        bound = self.ask_boundary
        aset = self.asks.set
        if bound is None:
            for p, q in asks:
                aset(p, q)
        else:
            for p, q in asks:
                if p <= bound:
                    aset(p, q)
                else:
                    self.trimmed += 1
        self.sequence = sequence
        self.updated_at = time.time() if at is None else at

    def best_bid(self) -> Decimal | None:
        return self.bids.best()

    def best_ask(self) -> Decimal | None:
        return self.asks.best()

    def is_crossed(self) -> bool:
        bid = self.bids.best()
        ask = self.asks.best()
        return bid is not None and ask is not None and bid >= ask

    def top(self, n: int) -> tuple[list[Level], list[Level]]:
        return self.bids.top(n), self.asks.top(n)

    def to_json(self, depth: int | None = None) -> dict[str, list[list[str]]]:
        """The books-file shape of docs/captures.md: plain decimal strings, best first."""
        n = depth if depth is not None else max(len(self.bids), len(self.asks))
        bids, asks = self.top(n)
        return {
            "bids": [[plain(p), plain(q)] for p, q in bids],
            "asks": [[plain(p), plain(q)] for p, q in asks],
        }


def _tighter(given: Decimal | None, worst: Decimal, *, bids: bool) -> Decimal:
    """The boundary nearer the top of the two (a given one, and the cut snapshot's worst price)."""
    if given is None:
        return worst
    return max(given, worst) if bids else min(given, worst)


def _drop_past(side: Side, past) -> None:
    for p in [p for p in side.levels if past(p)]:
        side.set(p, ZERO)
