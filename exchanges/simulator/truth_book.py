"""The simulator's own book model: the exchange's whole book, the truth clients are checked against.

Written apart from books/orderbook.py on purpose: tests compare the feed's VenueBooks with this
truth, and a comparison of one class with itself would pass whatever that class got wrong. An
exchange has no boundary: it knows every level. What a client can know of it is `known()`: the
levels inside the client's boundaries (books/orderbook.py states the rule).

The truth is the walk's own book (`Ladder`s of integer ticks and steps) as far as it has been
streamed, read as exact Decimals: nothing is copied per event. Only while a snapshot has cut into
an event not yet streamed (`held`) does the walk's book run ahead of the truth; the truth then
reads that event's levels as they were before it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from decimal import Decimal

from exchanges.simulator.ladder import Ladder

Level = tuple[Decimal, Decimal]


class TruthSide:
    """One side of the truth, best first when listed."""

    __slots__ = ("ladder", "book")

    def __init__(self, ladder: Ladder, book: TruthBook) -> None:
        self.ladder = ladder
        self.book = book

    def _ticks(self) -> tuple[list[int], dict[int, int]]:
        """The side's prices (ascending) and quantities, in ticks and steps."""
        ladder = self.ladder
        held = self.book.held
        if held is None:
            return ladder.prices, ladder.steps
        steps = dict(ladder.steps)
        for price, was in held[0 if ladder.bids else 1].items():
            if was is None:
                steps.pop(price, None)
            else:
                steps[price] = was
        return sorted(steps), steps

    def _levels(self, ticks: list[int], steps: dict[int, int]) -> list[Level]:
        price, qty = self.book.price, self.book.qty
        return [(price(p), qty(steps[p])) for p in ticks]

    def __len__(self) -> int:
        return len(self._ticks()[0])

    @property
    def levels(self) -> dict[Decimal, Decimal]:
        """price -> quantity, a copy."""
        return dict(self._levels(*self._ticks()))

    def best(self) -> Level | None:
        prices, steps = self._ticks()
        if not prices:
            return None
        best = prices[-1] if self.ladder.bids else prices[0]
        return self.book.price(best), self.book.qty(steps[best])

    def top(self, n: int) -> list[Level]:
        """The best `n` levels, best first."""
        prices, steps = self._ticks()
        if self.ladder.bids:
            chosen = prices[max(len(prices) - n, 0) :][::-1]
        else:
            chosen = prices[: max(n, 0)]
        return self._levels(chosen, steps)

    def inside(self, boundary: Decimal | None) -> list[Level]:
        """Every level at or better than `boundary` (all of them for None), best first."""
        prices, steps = self._ticks()
        if boundary is None:
            chosen = prices[::-1] if self.ladder.bids else prices
        elif self.ladder.bids:
            chosen = prices[bisect_left(prices, boundary, key=self.book.price) :][::-1]
        else:
            chosen = prices[: bisect_right(prices, boundary, key=self.book.price)]
        return self._levels(chosen, steps)


class TruthBook:
    """One instrument's whole book on the simulated exchange, and its last update id.

    `price(ticks)` and `qty(steps)` give the exact Decimals of the walk's integers; `held` is
    (bids, asks) of {ticks: steps before, None where there was no level} for an event the walk
    has made but not streamed yet, else None."""

    __slots__ = ("venue", "symbol", "bids", "asks", "sequence", "price", "qty", "held")

    def __init__(
        self,
        *,
        venue: str,
        symbol: str,
        bids: Ladder,
        asks: Ladder,
        price: Callable[[int], Decimal],
        qty: Callable[[int], Decimal],
        sequence: int,
    ) -> None:
        self.venue = venue
        self.symbol = symbol
        self.price = price
        self.qty = qty
        self.bids = TruthSide(bids, self)
        self.asks = TruthSide(asks, self)
        self.sequence = sequence
        self.held: tuple[dict[int, int | None], dict[int, int | None]] | None = None

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
