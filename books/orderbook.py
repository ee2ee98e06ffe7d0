"""The venue book: one instrument's exact Level-2 book on one venue.

Prices and quantities are `Decimal`. Each side is a plain dict (price -> quantity) for O(1)
quantity changes, plus a plain list of prices in ascending order that changes only when a level
appears or goes (a C bisect and a memmove: faster than a SortedList up to far more levels than a
venue sends). A top-k read slices k prices from the best end: O(k).

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
from bisect import bisect_left, insort
from collections.abc import Iterable
from decimal import Decimal

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
    """One side of a book. `descending` is True for bids (best = highest); `prices` is ascending
    either way, so the best bid is `prices[-1]` and the best ask `prices[0]`."""

    __slots__ = ("levels", "prices", "descending")

    def __init__(self, *, descending: bool) -> None:
        self.levels: dict[Decimal, Decimal] = {}
        self.prices: list[Decimal] = []
        self.descending = descending

    def __len__(self) -> int:
        return len(self.levels)

    def clear(self) -> None:
        self.levels.clear()
        self.prices.clear()

    def set(self, price: Decimal, qty: Decimal) -> None:
        """Absolute quantity at a price; zero removes the level."""
        levels = self.levels
        if not qty:
            if levels.pop(price, None) is not None:
                prices = self.prices
                del prices[bisect_left(prices, price)]
        else:
            if price not in levels:
                insort(self.prices, price)
            levels[price] = qty

    def load(self, levels: Iterable[Level]) -> None:
        """Replace the side with `levels` (a later quantity for a price wins; zero means none)."""
        book = self.levels
        book.clear()
        book.update(levels)
        for p in [p for p, q in book.items() if not q]:
            del book[p]
        self.prices[:] = sorted(book)

    def best(self) -> Decimal | None:
        prices = self.prices
        if not prices:
            return None
        return prices[-1] if self.descending else prices[0]

    def best_first(self, n: int | None = None) -> list[Decimal]:
        """The prices from the best, at most `n` of them (all with None)."""
        prices = self.prices
        if self.descending:
            picked = prices[len(prices) - n :] if n is not None and n < len(prices) else prices[:]
            picked.reverse()
            return picked
        return prices[:n] if n is not None else prices[:]

    def top(self, n: int) -> list[Level]:
        levels = self.levels
        return [(p, levels[p]) for p in self.best_first(n)]

    def trim(self, keep: int) -> int:
        """Drop the levels farthest from the top beyond `keep`; returns how many went.

        For cutting a book built to be shown (`book_at --depth`), never a live book's rule."""
        extra = len(self.prices) - keep
        if extra <= 0:
            return 0
        prices = self.prices
        if self.descending:
            far = prices[:extra]
            del prices[:extra]
        else:
            far = prices[-extra:]
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
        self.bids.load(bids)
        self.asks.load(asks)
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
        """Apply absolute level quantities (zero deletes); levels past a boundary are ignored.

        The feed's hot path: Side.set written out inline for both sides (no call per level). A
        level the side holds is inside the boundary, so only a new price is compared with it."""
        bound = self.bid_boundary
        levels = self.bids.levels
        prices = self.bids.prices
        for p, q in bids:
            if p in levels:
                if q:
                    levels[p] = q
                else:
                    del levels[p]
                    del prices[bisect_left(prices, p)]
            elif bound is not None and p < bound:
                self.trimmed += 1
            elif q:
                insort(prices, p)
                levels[p] = q
        bound = self.ask_boundary
        levels = self.asks.levels
        prices = self.asks.prices
        for p, q in asks:
            if p in levels:
                if q:
                    levels[p] = q
                else:
                    del levels[p]
                    del prices[bisect_left(prices, p)]
            elif bound is not None and p > bound:
                self.trimmed += 1
            elif q:
                insort(prices, p)
                levels[p] = q
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
