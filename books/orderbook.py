"""The venue book: one instrument's exact Level-2 book on one venue.

Prices and quantities are `Decimal`. Each side is a plain dict (price -> quantity) for O(1)
quantity changes, plus a SortedList of prices that changes only when a level appears or goes
(O(log n)). A top-k read walks k prices from the best end: O(k).
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
        """Drop the levels farthest from the top beyond `keep`; returns how many went."""
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

    __slots__ = ("venue", "symbol", "depth", "bids", "asks", "sequence", "updated_at", "state", "trimmed")

    def __init__(self, *, venue: str, symbol: str, depth: int | None = None) -> None:
        self.venue = venue
        self.symbol = symbol
        self.depth = depth  # levels per side kept; None keeps all
        self.bids = Side(descending=True)
        self.asks = Side(descending=False)
        self.sequence: int | None = None
        self.updated_at: float = 0.0  # wall clock of the last change (event time where the venue gives one)
        self.state = BookState.CONNECTING
        self.trimmed = 0  # levels dropped beyond the depth, for the counters

    @property
    def key(self) -> str:
        return f"{self.venue}:{self.symbol}"

    def clear(self) -> None:
        self.bids.clear()
        self.asks.clear()
        self.sequence = None

    def load_snapshot(
        self, *, bids: Iterable[Level], asks: Iterable[Level], sequence: int | None, at: float | None = None
    ) -> None:
        self.clear()
        for p, q in bids:
            self.bids.set(p, q)
        for p, q in asks:
            self.asks.set(p, q)
        self.sequence = sequence
        self._after_change(at)

    def apply(
        self, *, bids: Iterable[Level] = (), asks: Iterable[Level] = (), sequence: int | None, at: float | None = None
    ) -> None:
        """Apply absolute level quantities (zero deletes), then trim to depth."""
        bset = self.bids.set
        for p, q in bids:
            bset(p, q)
        aset = self.asks.set
        for p, q in asks:
            aset(p, q)
        self.sequence = sequence
        self._after_change(at)

    def _after_change(self, at: float | None) -> None:
        if self.depth is not None:
            self.trimmed += self.bids.trim(self.depth) + self.asks.trim(self.depth)
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
