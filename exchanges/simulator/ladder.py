"""One side of a walk's book in integers: ticks -> steps, prices kept in a sorted list.

A plain dict for the quantities and a list of its prices in ascending order, kept sorted with
`bisect`: the best level, the n-th from the top and the farthest are one index away, and a new
level near the top of a few hundred costs a short memmove. That is all a walk asks of a side,
several times per change, so it is much cheaper than a general sorted mapping.

`before` remembers what each price held before its first change since `before` was last emptied:
a walk empties it at the start of an event and reads it at the end to tell what the event changed.
"""

from __future__ import annotations

from bisect import bisect_left, insort


class Ladder:
    __slots__ = ("steps", "prices", "bids", "before")

    def __init__(self, *, bids: bool) -> None:
        self.steps: dict[int, int] = {}  # ticks -> steps
        self.prices: list[int] = []  # the keys of `steps`, ascending
        self.bids = bids
        self.before: dict[int, int | None] = {}  # price -> steps before its first change (None: absent)

    def __len__(self) -> int:
        return len(self.prices)

    def best(self) -> int:
        return self.prices[-1] if self.bids else self.prices[0]

    def top(self) -> tuple[int, int]:
        """The best level: (price, steps)."""
        price = self.prices[-1] if self.bids else self.prices[0]
        return price, self.steps[price]

    def far(self) -> int:
        """The price farthest from the best."""
        return self.prices[0] if self.bids else self.prices[-1]

    def requote(self, price: int, steps: int) -> None:
        """A new quantity (not 0) for a level the side holds: set() without the search."""
        if price not in self.before:
            self.before[price] = self.steps[price]
        self.steps[price] = steps

    def set(self, price: int, steps: int) -> None:
        """Put `steps` at `price`; 0 removes the level."""
        levels = self.steps
        was = levels.get(price)
        if price not in self.before:
            self.before[price] = was
        if steps:
            if was is None:
                insort(self.prices, price)
            levels[price] = steps
        elif was is not None:
            del levels[price]
            del self.prices[bisect_left(self.prices, price)]
