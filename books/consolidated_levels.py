"""The level store under the consolidated book: each price's total and member contributions.

Kept apart from books/consolidated.py so the hot path (one venue diff) reads in one place. A
diff only moves venue quantities; base units and totals are worked out per level when it is read
next (the publisher's 10 reads a second, a metric), and kept until the level changes again.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from decimal import Context, Decimal, localcontext
from typing import TYPE_CHECKING

from books.numbers import ZERO, plain

if TYPE_CHECKING:
    from books.consolidated_members import Member

# Sums of 28-digit quantities spanning ~35 decimal places stay exact under 60 digits.
SUMS = Context(prec=60)


class Level:
    """One consolidated price. `by` holds each member's quantity in its venue's own units, set on
    the hot path without any arithmetic; `base` caches (total, {member: base qty}) in base units,
    computed on the first read after a change (a division per member and an exact sum); `row`
    caches the level's JSON row for publishing. Any change clears both caches."""

    __slots__ = ("by", "base", "row")

    def __init__(self, by: dict[str, Decimal]) -> None:
        self.by = by
        self.base: tuple[Decimal, dict[str, Decimal]] | None = None
        self.row: list | None = None


def resolved(p: Decimal, level: Level, to_base: dict) -> tuple[Decimal, dict[str, Decimal]]:
    """The level in base units: (total, {member: base qty}), exact sum of the contributions."""
    base = level.base
    if base is None:
        by = {k: to_base[k](q, p) for k, q in level.by.items()}
        total = ZERO
        add = SUMS.add  # exact: no localcontext per level (it costs more than the sum)
        for q in by.values():
            total = add(total, q)
        base = level.base = (total, by)
    return base


def json_row(p: Decimal, level: Level, to_base: dict) -> list:
    row = level.row
    if row is None:
        total, by = resolved(p, level, to_base)
        row = level.row = [
            fast_plain(p),
            fast_plain(total),
            {k: fast_plain(q) for k, q in sorted(by.items())},
        ]
    return row


def fast_plain(d: Decimal) -> str:
    """books.numbers.plain, faster where str() has no exponent (nearly always): same output."""
    text = str(d)
    if "E" in text:
        return plain(d)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


class BookSide:
    """Consolidated levels of one side: price -> Level, and the prices in ascending order (a plain
    list kept with bisect, as books.orderbook.Side)."""

    __slots__ = ("levels", "prices", "descending")

    def __init__(self, *, descending: bool) -> None:
        self.levels: dict[Decimal, Level] = {}
        self.prices: list[Decimal] = []
        self.descending = descending

    def ordered(self):
        return reversed(self.prices) if self.descending else iter(self.prices)

    def best(self) -> Decimal | None:
        if not self.prices:
            return None
        return self.prices[-1] if self.descending else self.prices[0]


def apply_changes(book_side: BookSide, mine: dict, key: str, prices, venue_levels: dict) -> None:
    """Bring the member's part at `prices` to what its venue book holds there now, in venue units
    (conversion waits for a read).

    The venue book has applied the diffs already, so its own quantity is the truth: a price named
    twice, or one past the snapshot's boundary that the venue book ignored, comes out right.
    Dictionary work only, a bisect where a level appears or goes.
    """
    levels = book_side.levels
    for p in prices:
        q = venue_levels.get(p)
        old = mine.get(p)
        if old is None:
            if not q:
                continue
            mine[p] = q
            level = levels.get(p)
            if level is None:
                levels[p] = Level({key: q})
                insort(book_side.prices, p)
            else:
                level.by[key] = q
                level.base = level.row = None
        elif not q:
            del mine[p]
            take(book_side, key, p)
        elif q is not old and q != old:
            mine[p] = q
            level = levels[p]
            level.by[key] = q
            level.base = level.row = None


def take(book_side: BookSide, key: str, p: Decimal) -> None:
    level = book_side.levels[p]
    by = level.by
    del by[key]
    if by:
        level.base = level.row = None
    else:
        del book_side.levels[p]
        prices = book_side.prices
        del prices[bisect_left(prices, p)]


def best_crossing(included: list[Member]) -> dict | None:
    """ConsolidatedBook.crossed() over the members in the book (see there)."""
    best = None
    for buyer in included:  # the member whose bid is high
        bid = buyer.book.bids.best()
        if bid is None:
            continue
        for seller in included:
            ask = seller.book.asks.best()
            if seller is buyer or ask is None or not bid > ask:
                continue
            with localcontext(SUMS):
                bps = (bid - ask) / ask * 10000
            if best is None or bps > best["bps"]:
                best = {
                    "bid_venue": buyer.key,
                    "ask_venue": seller.key,
                    "bid": bid,
                    "ask": ask,
                    "size": crossing_size(
                        buyer.bids,
                        reversed(buyer.book.bids.prices),
                        buyer.converter.to_base,
                        seller.asks,
                        iter(seller.book.asks.prices),
                        seller.converter.to_base,
                    ),
                    "bps": bps.quantize(Decimal("0.0001")),
                }
    return best


def crossing_size(bids: dict, bid_prices, bid_base, asks: dict, ask_prices, ask_base) -> Decimal:
    """Base quantity matched between one member's bids and another's asks while bid > ask.

    `bids`/`asks`: venue quantities by price; `*_prices`: the venue books' prices, best first;
    `*_base`: each member's conversion to base units.
    """
    bid_iter = iter(bid_prices)
    ask_iter = iter(ask_prices)
    size = ZERO
    bid = next(bid_iter, None)
    ask = next(ask_iter, None)
    if bid is None or ask is None:
        return size

    def base_of(side: dict, p: Decimal, convert) -> Decimal:
        q = side.get(p)
        return convert(q, p) if q else ZERO

    left_bid, left_ask = base_of(bids, bid, bid_base), base_of(asks, ask, ask_base)
    with localcontext(SUMS):
        while bid is not None and ask is not None and bid > ask:
            take_qty = min(left_bid, left_ask)
            size += take_qty
            left_bid -= take_qty
            left_ask -= take_qty
            if not left_bid:
                bid = next(bid_iter, None)
                left_bid = base_of(bids, bid, bid_base) if bid is not None else ZERO
            if not left_ask:
                ask = next(ask_iter, None)
                left_ask = base_of(asks, ask, ask_base) if ask is not None else ZERO
    return size
