"""The level store under the consolidated book: each price's total and member contributions.

Kept apart from books/consolidated.py so the hot path (one venue diff) reads in one place.
Callers run these under the 60-digit SUMS context, so totals move exactly.
"""

from __future__ import annotations

from decimal import Context, Decimal, localcontext
from typing import TYPE_CHECKING

from sortedcontainers import SortedList

from books.numbers import ZERO
from books.orderbook import Side

if TYPE_CHECKING:
    from books.consolidated import Member

# Sums of 28-digit quantities spanning ~35 decimal places stay exact under 60 digits.
SUMS = Context(prec=60)


class Level:
    __slots__ = ("total", "by")

    def __init__(self, total: Decimal, by: dict[str, Decimal]) -> None:
        self.total = total
        self.by = by


class BookSide:
    """Consolidated levels of one side: price -> Level, and the prices in order."""

    __slots__ = ("levels", "prices", "descending")

    def __init__(self, *, descending: bool) -> None:
        self.levels: dict[Decimal, Level] = {}
        self.prices = SortedList()
        self.descending = descending

    def ordered(self):
        return reversed(self.prices) if self.descending else iter(self.prices)

    def best(self) -> Decimal | None:
        if not self.prices:
            return None
        return self.prices[-1] if self.descending else self.prices[0]


def apply_changes(book_side: BookSide, mine: Side, member: Member, changes) -> None:
    to_base = member.converter.to_base
    key = member.key
    levels = book_side.levels
    mine_levels = mine.levels
    for p, q in changes:
        new = to_base(q, p) if q else ZERO
        old = mine_levels.get(p)
        if old is None:
            if not new:
                continue
            mine_levels[p] = new
            mine.prices.add(p)
            level = levels.get(p)
            if level is None:
                levels[p] = Level(new, {key: new})
                book_side.prices.add(p)
            else:
                level.total += new
                level.by[key] = new
        elif not new:
            del mine_levels[p]
            mine.prices.remove(p)
            take(book_side, key, p, old)
        elif new != old:
            mine_levels[p] = new
            level = levels[p]
            level.total = level.total - old + new
            level.by[key] = new


def take(book_side: BookSide, key: str, p: Decimal, q: Decimal) -> None:
    level = book_side.levels[p]
    by = level.by
    del by[key]
    if by:
        level.total -= q
    else:
        del book_side.levels[p]
        book_side.prices.remove(p)


def drop_trimmed(book_side: BookSide, mine: Side, key: str, venue_side: Side) -> None:
    """The venue book dropped its farthest levels beyond its depth without reporting them."""
    extra = len(mine.levels) - len(venue_side.levels)
    prices = mine.prices
    far = list(prices.islice(0, extra)) if mine.descending else list(prices.islice(len(prices) - extra))
    for p in far:
        if p in venue_side.levels:
            continue
        q = mine.levels.pop(p)
        prices.remove(p)
        take(book_side, key, p, q)


def crossing_size(bids: Side, asks: Side) -> Decimal:
    """Base quantity matched between one member's bids and another's asks while bid > ask."""
    bid_iter = reversed(bids.prices)
    ask_iter = iter(asks.prices)
    size = ZERO
    bid = next(bid_iter, None)
    ask = next(ask_iter, None)
    if bid is None or ask is None:
        return size
    left_bid, left_ask = bids.levels[bid], asks.levels[ask]
    with localcontext(SUMS):
        while bid is not None and ask is not None and bid > ask:
            take = min(left_bid, left_ask)
            size += take
            left_bid -= take
            left_ask -= take
            if not left_bid:
                bid = next(bid_iter, None)
                left_bid = bids.levels[bid] if bid is not None else ZERO
            if not left_ask:
                ask = next(ask_iter, None)
                left_ask = asks.levels[ask] if ask is not None else ZERO
    return size
