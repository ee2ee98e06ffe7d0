"""The simulator's own book model: the exchange's whole book, the truth clients are checked against.

Written apart from books/orderbook.py on purpose: tests compare the feed's VenueBooks with this
truth, and a comparison of one class with itself would pass whatever that class got wrong. An
exchange has no boundary: it knows every level. What a client can know of it is `known()`: the
levels inside the client's boundaries (books/orderbook.py states the rule).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Sequence
from decimal import Decimal

Level = tuple[Decimal, Decimal]


class TruthSide:
    """One side: `levels` maps price -> quantity; `prices` holds its keys in ascending order."""

    __slots__ = ("levels", "prices", "bids")

    def __init__(self, *, bids: bool) -> None:
        self.levels: dict[Decimal, Decimal] = {}
        self.prices: list[Decimal] = []
        self.bids = bids

    def __len__(self) -> int:
        return len(self.prices)

    def put(self, price: Decimal, qty: Decimal) -> None:
        if qty:
            if price not in self.levels:
                insort(self.prices, price)
            self.levels[price] = qty
        elif self.levels.pop(price, None) is not None:
            del self.prices[bisect_left(self.prices, price)]

    def clear(self) -> None:
        self.levels.clear()
        self.prices.clear()

    def best(self) -> Level | None:
        if not self.prices:
            return None
        price = self.prices[-1] if self.bids else self.prices[0]
        return price, self.levels[price]

    def top(self, n: int) -> list[Level]:
        """The best `n` levels, best first."""
        levels, prices = self.levels, self.prices
        if self.bids:
            chosen = prices[max(len(prices) - n, 0) :][::-1]
        else:
            chosen = prices[: max(n, 0)]
        return [(p, levels[p]) for p in chosen]

    def inside(self, boundary: Decimal | None) -> list[Level]:
        """Every level at or better than `boundary` (all of them for None), best first."""
        levels, prices = self.levels, self.prices
        if boundary is None:
            return self.top(len(prices))
        if self.bids:
            chosen = prices[bisect_left(prices, boundary) :][::-1]
        else:
            chosen = prices[: bisect_right(prices, boundary)]
        return [(p, levels[p]) for p in chosen]


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
        self.bids.clear()
        self.asks.clear()
        self.change(bids=bids, asks=asks, sequence=sequence)

    def change(self, *, bids: Iterable[Sequence] = (), asks: Iterable[Sequence] = (), sequence: int) -> None:
        """Apply levels `(price, qty, ...)` (a walk's event entries carry an action too; 0 removes)."""
        for side, levels in ((self.bids, bids), (self.asks, asks)):
            book, prices = side.levels, side.prices
            for level in levels:
                price, qty = level[0], level[1]
                if qty:
                    if price not in book:
                        insort(prices, price)
                    book[price] = qty
                elif book.pop(price, None) is not None:
                    del prices[bisect_left(prices, price)]
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
