"""The level store under the consolidated book: each price's total and member contributions.

Kept apart from books/consolidated.py so the hot path (one venue diff) reads in one place.
Callers run these under the 60-digit SUMS context, so totals move exactly.
"""

from __future__ import annotations

from decimal import Context, Decimal, localcontext
from typing import TYPE_CHECKING

from sortedcontainers import SortedList

from books.conversion import DIVISION
from books.numbers import ZERO, plain
from books.orderbook import Side

if TYPE_CHECKING:
    from books.consolidated import Member

# Sums of 28-digit quantities spanning ~35 decimal places stay exact under 60 digits.
SUMS = Context(prec=60)


class Level:
    """One consolidated price: its total and each member's part. `row` caches the level's JSON
    row for publishing (most levels do not change between two publications); any change clears it."""

    __slots__ = ("total", "by", "row")

    def __init__(self, total: Decimal, by: dict[str, Decimal]) -> None:
        self.total = total
        self.by = by
        self.row: list | None = None


def json_row(p: Decimal, level: Level) -> list:
    row = level.row
    if row is None:
        row = level.row = [
            fast_plain(p),
            fast_plain(level.total),
            {k: fast_plain(q) for k, q in sorted(level.by.items())},
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


def apply_changes(book_side: BookSide, mine: dict, member: Member, changes, venue_levels: dict) -> None:
    """Bring the member's contribution at the prices of `changes` ((price, venue qty) pairs) to what its venue book holds there now.

    The venue book has applied the diff already (and trimmed itself to its depth), so its own
    quantity is the truth: a price the diff named twice, or one trimmed straight away, comes out
    right. Conversion is inlined per mode: this loop is the feed's hot path.
    """
    converter = member.converter
    mode = converter.mode
    size = converter.size
    divide = DIVISION.divide
    key = member.key
    levels = book_side.levels
    for p, _ in changes:
        q = venue_levels.get(p)
        if not q:
            new = ZERO
        elif mode == "base":
            new = q
        elif mode == "usd":
            new = divide(q, p)
        else:
            new = divide(q * size, p)
        old = mine.get(p)
        if old is None:
            if not new:
                continue
            mine[p] = new
            level = levels.get(p)
            if level is None:
                levels[p] = Level(new, {key: new})
                book_side.prices.add(p)
            else:
                level.total += new
                level.by[key] = new
                level.row = None
        elif not new:
            del mine[p]
            take(book_side, key, p, old)
        elif new != old:
            mine[p] = new
            level = levels[p]
            level.total = level.total - old + new
            level.by[key] = new
            level.row = None


def take(book_side: BookSide, key: str, p: Decimal, q: Decimal) -> None:
    level = book_side.levels[p]
    by = level.by
    del by[key]
    if by:
        level.total -= q
        level.row = None
    else:
        del book_side.levels[p]
        book_side.prices.remove(p)


def drop_trimmed(book_side: BookSide, mine: dict, key: str, venue_side: Side) -> None:
    """The venue book dropped its farthest levels beyond its depth without reporting them.

    They lie beyond the venue's worst price: walk the consolidated prices outward from there,
    picking this member's levels the venue no longer has (other venues' levels in between are
    skipped), until as many as the venue dropped are found.
    """
    extra = len(mine) - len(venue_side.levels)
    vlevels = venue_side.levels
    gone: list[Decimal] = []
    if venue_side.prices:
        prices = book_side.prices
        levels = book_side.levels
        if book_side.descending:
            worst = venue_side.prices[0]
            outward = prices.islice(0, prices.bisect_left(worst), reverse=True)
        else:
            worst = venue_side.prices[-1]
            outward = prices.islice(prices.bisect_right(worst))
        for p in outward:
            if key in levels[p].by and p not in vlevels:
                gone.append(p)
                if len(gone) == extra:
                    break
    if len(gone) < extra:  # not where expected (never seen): check every level of the member
        gone = [p for p in mine if p not in vlevels]
    for p in gone:
        take(book_side, key, p, mine.pop(p))


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
                        seller.asks,
                        iter(seller.book.asks.prices),
                    ),
                    "bps": bps.quantize(Decimal("0.0001")),
                }
    return best


def crossing_size(bids: dict, bid_prices, asks: dict, ask_prices) -> Decimal:
    """Base quantity matched between one member's bids and another's asks while bid > ask.

    `bids`/`asks`: converted quantities by price; `*_prices`: the venue books' prices, best first.
    """
    bid_iter = iter(bid_prices)
    ask_iter = iter(ask_prices)
    size = ZERO
    bid = next(bid_iter, None)
    ask = next(ask_iter, None)
    if bid is None or ask is None:
        return size
    left_bid, left_ask = bids.get(bid, ZERO), asks.get(ask, ZERO)
    with localcontext(SUMS):
        while bid is not None and ask is not None and bid > ask:
            take_qty = min(left_bid, left_ask)
            size += take_qty
            left_bid -= take_qty
            left_ask -= take_qty
            if not left_bid:
                bid = next(bid_iter, None)
                left_bid = bids.get(bid, ZERO) if bid is not None else ZERO
            if not left_ask:
                ask = next(ask_iter, None)
                left_ask = asks.get(ask, ZERO) if ask is not None else ZERO
    return size
