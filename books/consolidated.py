"""The consolidated book: one book per canonical pair, merged across venues, in base-asset units.

Each venue instrument whose `consolidate_into or pair` names the pair is a member. A member's
levels are converted to base units (books.conversion) and added to the pair's levels, which keep
their total and each member's contribution. Prices stay exact: the union of the venues' grids.

A venue diff is only noted on the feed's hot path (the prices it names); the book settles the
noted diffs before anything reads it (every read goes through `bids`/`asks`/`settle`), or once
SETTLE_EVERY diffs are pending. Settling touches each noted price once, however many diffs named
it, and brings the member's part there to what its venue book holds now (which makes it exact in
any order): dictionary work, a bisect only where a level appears or goes. Levels keep members'
quantities in venue units. Base units and a level's total (exact, 60-digit sums) are worked out
for that level on its first read after a change and cached, so no read re-sums an unchanged level.

A member is in the book only while its venue book is `live`; any other state (syncing, stale,
resyncing, backoff, disabled, invalid) takes its whole contribution out at once, and going live
again puts its current venue book back. A crossed consolidated book is kept as it is and
reported by `crossed()`: across venues it is an arbitrage, not an error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from operator import itemgetter

from books.consolidated_levels import (
    SUMS,
    BookSide,
    apply_changes,
    best_crossing,
    json_row,
    resolved,
    take,
)
from books.consolidated_members import Member, member_for
from books.conversion import pair_of
from books.numbers import ZERO, plain
from books.orderbook import BookState
from exchanges.types import InstrumentSpec, StateEvent, TradeEvent

LIVE = BookState.LIVE.value
SIDES = ("bids", "asks")
# Venue diffs noted before the book settles them without waiting for a read: bounds the noted
# prices and the work of the read that settles them.
SETTLE_EVERY = 512
_price = itemgetter(0)

LevelRow = tuple[Decimal, Decimal, dict[str, Decimal]]


class ConsolidatedBook:
    """One pair's book across venues. Mutated only through the `ConsolidatedBooks` sink."""

    def __init__(self, pair: str) -> None:
        self.pair = pair
        self.members: dict[str, Member] = {}
        self._bids = BookSide(descending=True)
        self._asks = BookSide(descending=False)
        # The prices venue diffs named since the last settle, per member, and how many diffs.
        self._pending: dict[Member, tuple[set, set]] = {}
        self._noted = 0
        self.to_base: dict[str, object] = {}  # member key -> its conversion, for reads
        self.updated_at = 0.0
        self.version = 0  # every change
        self.membership_version = 0  # a member joined, left or changed state

    # ---- reads ---------------------------------------------------------------------------------
    @property
    def bids(self) -> BookSide:
        if self._pending:
            self.settle()
        return self._bids

    @property
    def asks(self) -> BookSide:
        if self._pending:
            self.settle()
        return self._asks

    @property
    def quotes(self) -> set[str]:
        """Quote assets of the members in the book now (e.g. {"USDT", "USD"})."""
        return {m.quote for m in self.members.values() if m.included}

    def venues_in(self) -> list[str]:
        return sorted(k for k, m in self.members.items() if m.included)

    def venues_out(self) -> dict[str, str]:
        return {
            k: f"{m.state}: {m.reason}" if m.reason else m.state
            for k, m in sorted(self.members.items())
            if not m.included
        }

    def best_bid(self) -> Decimal | None:
        return self.bids.best()

    def best_ask(self) -> Decimal | None:
        return self.asks.best()

    def mid(self) -> Decimal | None:
        bid, ask = self.bids.best(), self.asks.best()
        if bid is None or ask is None:
            return None
        with localcontext(SUMS):
            return (bid + ask) / 2

    def levels(self, side: str, n: int | None = None, group: Decimal | None = None) -> list[LevelRow]:
        """Best first: (price, total base quantity, {member key: base quantity}).

        `group` buckets prices to multiples of it (bids down, asks up, so a bucket never looks
        better than its levels); a bucket's total and contributions are the sums of its levels.
        """
        book_side = self._side(side)
        levels = book_side.levels
        if group is None:
            out = []
            for p in book_side.ordered():
                if n is not None and len(out) >= n:
                    break
                total, by = resolved(p, levels[p], self.to_base)
                out.append((p, total, dict(by)))
            return out
        if group <= 0:
            raise ValueError(f"group must be a positive price step, not {group}")
        rounding = ROUND_FLOOR if book_side.descending else ROUND_CEILING
        buckets: list[LevelRow] = []
        with localcontext(SUMS):
            for p in book_side.ordered():
                bucket = (p / group).to_integral_value(rounding=rounding) * group
                level_total, level_by = resolved(p, levels[p], self.to_base)
                if buckets and buckets[-1][0] == bucket:
                    _, total, by = buckets[-1]
                    for key, q in level_by.items():
                        by[key] = by.get(key, ZERO) + q
                    buckets[-1] = (bucket, total + level_total, by)
                else:
                    if n is not None and len(buckets) >= n:
                        break
                    buckets.append((bucket, level_total, dict(level_by)))
        return buckets

    def venue_levels(self, key: str, side: str, n: int | None = None) -> list[tuple[Decimal, Decimal]]:
        """One member's converted contribution, best first (empty while it is out)."""
        self.settle()
        member = self.members[key]
        if not member.included or member.book is None:
            return []
        mine, venue_side = (
            (member.bids, member.book.bids) if side == "bids" else (member.asks, member.book.asks)
        )
        levels, to_base = self._side(side).levels, self.to_base  # shares the levels' cached conversion
        top = venue_side.top(len(venue_side) if n is None else n)
        return [(p, resolved(p, levels[p], to_base)[1][key]) for p, _ in top if p in mine]

    def crossed(self) -> dict | None:
        """The best cross-venue crossing: one member's bid above another's ask.

        `size` is the base quantity that trades across it (the bidder's levels above the asker's
        levels, matched best first); `bps` = (bid - ask) / ask x 10,000. None when not crossed.
        """
        self.settle()
        return best_crossing([m for m in self.members.values() if m.included])

    def to_json(self, depth: int | None = None, group: Decimal | None = None) -> dict[str, list]:
        """The books-file shape: [[price, total, {key: qty}], ...] as plain decimal strings, best first.

        Ungrouped rows come from each level's cached row (rebuilt only where the level changed):
        the publisher reads the full depth several times a second. Rows are shared: never mutate them.
        """
        if group is None:
            out = {}
            for side in SIDES:
                book_side = self._side(side)
                levels = book_side.levels
                rows = []
                for p in book_side.ordered():
                    if depth is not None and len(rows) >= depth:
                        break
                    rows.append(json_row(p, levels[p], self.to_base))
                out[side] = rows
            return out
        return {
            side: [
                [plain(p), plain(total), {k: plain(q) for k, q in sorted(by.items())}]
                for p, total, by in self.levels(side, depth, group)
            ]
            for side in SIDES
        }

    def _side(self, side: str) -> BookSide:
        if side == "bids":
            return self.bids
        if side == "asks":
            return self.asks
        raise ValueError(f"side must be 'bids' or 'asks', not {side!r}")

    # ---- changes (from ConsolidatedBooks) -------------------------------------------------------
    def apply(self, member: Member, bids, asks) -> None:
        """Note a venue diff (absolute venue quantities at prices, zero removes): its prices are
        settled before the next read. Only the prices are kept, never the lists: holding every
        diff's levels until a settle kept thousands of lists alive and cost more than noting."""
        prices = self._pending.get(member)
        if prices is None:
            prices = self._pending[member] = (set(), set())
        if bids:
            prices[0].update(map(_price, bids))
        if asks:
            prices[1].update(map(_price, asks))
        self._noted += 1
        if self._noted >= SETTLE_EVERY:
            self.settle()

    def settle(self) -> None:
        """Apply the noted diffs: at each price they named, once, the member's part becomes what its
        venue book holds now. The venue book never drops a level it knows (the boundary
        rule), so its levels at the named prices are all there is to follow."""
        touched = self._pending
        if not touched:
            return
        self._pending = {}
        self._noted = 0
        for member, (bid_prices, ask_prices) in touched.items():
            if not member.included or member.book is None:
                continue  # taken out since: nothing of it is in the book
            if bid_prices:
                apply_changes(self._bids, member.bids, member.key, bid_prices, member.book.bids.levels)
            if ask_prices:
                apply_changes(self._asks, member.asks, member.key, ask_prices, member.book.asks.levels)

    def include(self, member: Member) -> None:
        """Put the member's current venue book in, replacing whatever it contributed."""
        self.exclude(member, state=member.state, reason=member.reason)
        if member.book is None or member.converter is None:
            return
        member.included = True
        self.to_base[member.key] = member.converter.to_base
        for book_side, mine, venue_side in (
            (self._bids, member.bids, member.book.bids),
            (self._asks, member.asks, member.book.asks),
        ):
            apply_changes(book_side, mine, member.key, venue_side.levels, venue_side.levels)

    def exclude(self, member: Member, *, state: str, reason: str) -> None:
        """Take the member's whole contribution out (the noted diffs settled first: they may
        concern other members)."""
        self.settle()
        member.state, member.reason = state, reason
        member.included = False
        for book_side, member_side in ((self._bids, member.bids), (self._asks, member.asks)):
            for p in member_side:
                take(book_side, member.key, p)
            member_side.clear()


BookListener = Callable[[str, ConsolidatedBook, float], None]
TradeListener = Callable[[str, InstrumentSpec, TradeEvent], None]


class ConsolidatedBooks:
    """Every pair's consolidated book, kept by the feed's events: a FeedSink (exchanges/types.py).

    Listeners `fn(pair, book, now)` run after each change, `now` being the event's time (the
    venue's event time for a book change, the state event's time for a membership change).
    They run on the event loop: they must be quick and never block.
    """

    def __init__(self, specs: Iterable[InstrumentSpec] = ()) -> None:
        self.books: dict[str, ConsolidatedBook] = {}
        self._where: dict[str, tuple[ConsolidatedBook, Member]] = {}
        self._listeners: list[BookListener] = []
        self._trade_listeners: list[TradeListener] = []
        self.set_specs(specs)

    def add_listener(self, fn: BookListener) -> None:
        self._listeners.append(fn)

    def add_trade_listener(self, fn: TradeListener) -> None:
        self._trade_listeners.append(fn)

    def set_specs(self, specs: Iterable[InstrumentSpec], *, now: float | None = None) -> None:
        """Take the instrument list (at start, and after enable/disable/reload from the admin).

        A member no longer listed leaves as `disabled`; a new or changed one joins, out until its
        venue book is live.
        """
        specs = {s.key: s for s in specs if pair_of(s)}
        at = time.time() if now is None else now
        for key, (book, member) in list(self._where.items()):
            spec = specs.get(key)
            if spec is None:
                if member.state != "disabled":
                    book.exclude(member, state="disabled", reason="instrument disabled")
                    self._membership_changed(book, at)
            elif spec != member.spec:
                self._drop(key, at)
            elif member.state == "disabled":
                member.state, member.reason = "connecting", "enabled again"
                self._membership_changed(book, at)
        for key, spec in specs.items():
            if key not in self._where:
                self._adopt(spec)

    def _drop(self, key: str, at: float) -> None:
        book, member = self._where.pop(key)
        book.exclude(member, state="disabled", reason="instrument changed")
        del book.members[key]
        self._membership_changed(book, at)

    def _membership_changed(self, book: ConsolidatedBook, at: float) -> None:
        book.version += 1
        book.membership_version += 1
        book.updated_at = max(book.updated_at, at)
        self._notify(book, at)

    def _adopt(self, spec: InstrumentSpec) -> tuple[ConsolidatedBook, Member] | None:
        pair = pair_of(spec)
        if not pair:
            return None
        book = self.books.get(pair)
        if book is None:
            book = self.books[pair] = ConsolidatedBook(pair)
        member = member_for(spec)
        book.members[spec.key] = member
        book.membership_version += 1
        self._where[spec.key] = (book, member)
        return book, member

    # ---- FeedSink --------------------------------------------------------------------------------
    def book_changed(self, spec, book, *, ts, bids, asks, snapshot) -> None:
        where = self._where.get(spec.key)
        if where is None or where[1].spec is not spec:
            if where is not None and where[1].spec == spec:
                where[
                    1
                ].spec = spec  # the same instrument from a reloaded list: compare by identity next time
            else:
                # An instrument we were not told of, or whose metadata changed: (re)join with this spec.
                if where is not None:
                    self._drop(spec.key, ts)
                where = self._adopt(spec)
                if where is None:
                    return
        cbook, member = where
        member.book = book
        if member.converter is None or member.state == "disabled":
            return  # invalid metadata, or an instrument the admin turned off that still streams
        if member.included and not snapshot:
            cbook.apply(member, bids, asks)
        elif book.state is BookState.LIVE:
            # A whole reload, or the first book after going live: replace the contribution wholesale.
            joined = not member.included
            member.state, member.reason = LIVE, member.reason if member.included else "live"
            cbook.include(member)
            if joined:
                cbook.membership_version += 1
        else:
            return
        cbook.version += 1
        cbook.updated_at = ts
        self._notify(cbook, ts)

    def state_changed(self, event: StateEvent) -> None:
        if not event.symbol:
            return  # a connection's state: its books send their own
        where = self._where.get(f"{event.venue}:{event.symbol}")
        if where is None:
            return
        cbook, member = where
        if member.converter is None or member.state == "disabled":
            return  # invalid or disabled stays so whatever the feed does
        if event.state == LIVE:
            member.state, member.reason = LIVE, event.reason
            if member.included or member.book is None or member.book.state is not BookState.LIVE:
                return  # already in, or its book has not arrived yet (it joins with it)
            cbook.include(member)
        elif member.included:
            cbook.exclude(member, state=event.state, reason=event.reason)
        else:
            member.state, member.reason = event.state, event.reason
        self._membership_changed(cbook, event.ts)

    def trade(self, spec, trade) -> None:
        where = self._where.get(spec.key)
        if where is None:
            return
        pair = where[0].pair
        for fn in self._trade_listeners:
            fn(pair, spec, trade)

    def _notify(self, book: ConsolidatedBook, now: float) -> None:
        for fn in self._listeners:
            fn(book.pair, book, now)

    # ---- books file ------------------------------------------------------------------------------
    def document(self) -> dict[str, dict]:
        """Every consolidated book under "consolidated:<PAIR>" (docs/captures.md's books file)."""
        return {f"consolidated:{pair}": self.books[pair].to_json() for pair in sorted(self.books)}
