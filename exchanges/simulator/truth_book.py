"""The simulator's own book model: the exchange's whole book, the truth clients are checked against.

Written apart from books/orderbook.py on purpose: tests compare the feed's VenueBooks with this
truth, and a comparison of one class with itself would pass whatever that class got wrong. An
exchange has no boundary: it knows every level. What a client can know of it is `known()`: the
levels inside the client's boundaries (books/orderbook.py states the rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sortedcontainers import SortedDict

Level = tuple[Decimal, Decimal]


class TruthSide:
    """One side: `levels` maps price -> quantity in ascending price order (a SortedDict)."""

    __slots__ = ("levels", "bids")

    def __init__(self, *, bids: bool) -> None:
        self.levels: SortedDict = SortedDict()
        self.bids = bids

    def __len__(self) -> int:
        return len(self.levels)

    def put(self, price: Decimal, qty: Decimal) -> None:
        if qty:
            self.levels[price] = qty
        else:
            self.levels.pop(price, None)

    def best(self) -> Level | None:
        if not self.levels:
            return None
        return self.levels.peekitem(-1 if self.bids else 0)

    def top(self, n: int) -> list[Level]:
        """The best `n` levels, best first."""
        levels = self.levels
        keys = levels.keys()
        if self.bids:
            prices = keys[max(len(keys) - n, 0) :][::-1]
        else:
            prices = keys[:n]
        return [(p, levels[p]) for p in prices]

    def inside(self, boundary: Decimal | None) -> list[Level]:
        """Every level at or better than `boundary` (all of them for None), best first."""
        levels = self.levels
        if boundary is None:
            return self.top(len(levels))
        if self.bids:
            prices = list(levels.irange(minimum=boundary, reverse=True))
        else:
            prices = list(levels.irange(maximum=boundary))
        return [(p, levels[p]) for p in prices]


class TruthBook:
    """One instrument's whole book on the simulated exchange, and its last update id."""

    __slots__ = ("venue", "symbol", "bids", "asks", "sequence")

    def __init__(self, *, venue: str, symbol: str) -> None:
        self.venue = venue
        self.symbol = symbol
        self.bids = TruthSide(bids=True)
        self.asks = TruthSide(bids=False)
        self.sequence: int | None = None

    def reset(self, *, bids: Iterable[Level], asks: Iterable[Level], sequence: int) -> None:
        self.bids.levels.clear()
        self.asks.levels.clear()
        self.change(bids=bids, asks=asks, sequence=sequence)

    def change(self, *, bids: Iterable[Level] = (), asks: Iterable[Level] = (), sequence: int) -> None:
        for p, q in bids:
            self.bids.put(p, q)
        for p, q in asks:
            self.asks.put(p, q)
        self.sequence = sequence

    def top(self, n: int) -> tuple[list[Level], list[Level]]:
        return self.bids.top(n), self.asks.top(n)

    def is_crossed(self) -> bool:
        bid, ask = self.bids.best(), self.asks.best()
        return bid is not None and ask is not None and bid[0] >= ask[0]

    def known(
        self, *, bid_boundary: Decimal | None = None, ask_boundary: Decimal | None = None
    ) -> dict[str, list[list[str]]]:
        """The book a client with these boundaries must hold, in the books-file shape (plain
        decimal strings, best first): every level inside them, nothing past them."""
        return {
            "bids": [[_plain(p), _plain(q)] for p, q in self.bids.inside(bid_boundary)],
            "asks": [[_plain(p), _plain(q)] for p, q in self.asks.inside(ask_boundary)],
        }

    def to_json(self) -> dict[str, list[list[str]]]:
        """The whole book in the books-file shape."""
        return self.known()


def _plain(d: Decimal) -> str:
    """A decimal as the books file writes it: no exponent, no trailing zeros."""
    if not d:
        return "0"
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
