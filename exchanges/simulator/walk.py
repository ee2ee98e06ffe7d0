"""The random walk of one instrument's book: the truth every stream and snapshot is cut from.

Prices and quantities live as integers (ticks, steps) while walking, so the book can never hold a
price off the tick grid, and the truth is mirrored into an exact `TruthBook` (the simulator's own
book model, independent of the feed's VenueBook that tests check against it). The walk depends on
the seed and the instrument only: two simulators with the same seed produce the same books after
the same number of steps, whatever their clocks or faults do.

A walk given an `anchor` (its coin's fair price with a small offset of the venue's own, see
market.py) keeps its touch around that price: its best bid below, its best ask above. A bid the price
falls through is hit, an ask it rises through is lifted, and the other side quotes again near it.
So the venues of one coin agree to within their spreads, and a cross-venue crossing lasts only
until the next event or two, as on real markets. Its books then also depend on that price, which
the seed and the market's ticks decide: same seed, same ticks, same books still.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from sortedcontainers import SortedDict

from exchanges.simulator.catalog import SimInstrument
from exchanges.simulator.truth_book import TruthBook

Entry = tuple[Decimal, Decimal, str]  # price, absolute quantity (0 = removed), Deribit action


class Anchor(Protocol):
    """Where a venue's book is centred (market.VenuePrice): `price` now, `next()` for an event."""

    price: float

    def next(self) -> float: ...


@dataclass
class BookEvent:
    """One change of the truth: update ids `first..last`, the previous event's `prev` (`pu`,
    Deribit's `prev_change_id`) and the levels that changed, with their absolute quantities."""

    first: int
    last: int
    prev: int
    ts_ms: int
    bids: list[Entry]
    asks: list[Entry]
    top_changed: bool = False
    # Encoded frames, built once per event and shared by every connection that sends it.
    cache: dict = field(default_factory=dict, repr=False)

    def encoded(self, key, build):
        text = self.cache.get(key)
        if text is None:
            text = self.cache[key] = build()
        return text


@dataclass
class TradeTick:
    trade_id: int
    ts_ms: int
    price: Decimal
    qty: Decimal
    buyer_is_maker: bool  # Binance "m": True means the taker sold
    cache: dict = field(default_factory=dict, repr=False)

    def encoded(self, key, build):
        text = self.cache.get(key)
        if text is None:
            text = self.cache[key] = build()
        return text


class BookWalk:
    """Generates uncrossed book changes for one instrument, 1..`max_changes` levels per event."""

    def __init__(
        self,
        instrument: SimInstrument,
        *,
        seed: object,
        min_levels: int = 50,
        max_levels: int = 300,
        max_changes: int = 20,
        anchor: Anchor | None = None,
    ) -> None:
        self.instrument = instrument
        self.anchor = anchor
        self._target: float | None = None  # this event's target, in ticks (None: no anchor)
        self._tick_size = float(instrument.tick)
        self.rng = random.Random(f"walk:{seed}:{instrument.key}")
        self.min_levels = min_levels
        self.max_levels = max_levels
        self.max_changes = max_changes
        self.tick = instrument.tick
        self.step_size = instrument.step
        self.bids: SortedDict = SortedDict()  # ticks -> steps
        self.asks: SortedDict = SortedDict()
        self.truth = TruthBook(venue=instrument.venue, symbol=instrument.symbol)
        self.sequence = self.rng.randrange(1_000_000, 9_000_000)  # a venue's ids never start at 0
        self.next_trade_id = self.rng.randrange(100_000, 900_000)
        self.pending: BookEvent | None = None  # generated for a snapshot, streamed at the next tick
        # Trades draw from their own source so their rate never changes the books a seed gives.
        self.trade_rng = random.Random(f"trades:{seed}:{instrument.key}")
        self._seed_book()

    # ---- numbers ------------------------------------------------------------------------
    def price(self, ticks: int) -> Decimal:
        return Decimal(ticks) * self.tick

    def qty(self, steps: int) -> Decimal:
        return Decimal(steps) * self.step_size

    def _random_steps(self) -> int:
        typical = self.instrument.typical_qty / self.step_size
        return max(1, int(float(typical) * self.rng.lognormvariate(-0.5, 1.0)))

    def _depth_offset(self) -> int:
        """How far from the top a new level lands: mostly near it, sometimes deep."""
        return 1 + int(self.rng.expovariate(1 / 6))

    # ---- start --------------------------------------------------------------------------
    def _seed_book(self) -> None:
        if self.anchor is not None:
            mid = max(2, round(self.anchor.price / self._tick_size))
        else:
            mid = int(self.instrument.mid / self.tick)
        rng = self.rng
        count = rng.randint(self.min_levels + 30, min(self.max_levels, self.min_levels + 150))
        price = mid - 1
        for _ in range(count):
            self.bids[price] = self._random_steps()
            price -= 1 + int(rng.expovariate(1 / 2))
        count = rng.randint(self.min_levels + 30, min(self.max_levels, self.min_levels + 150))
        price = mid + 1
        for _ in range(count):
            self.asks[price] = self._random_steps()
            price += 1 + int(rng.expovariate(1 / 2))
        self.truth.reset(
            bids=[(self.price(p), self.qty(q)) for p, q in self.bids.items()],
            asks=[(self.price(p), self.qty(q)) for p, q in self.asks.items()],
            sequence=self.sequence,
        )

    # ---- one event ----------------------------------------------------------------------
    def step(self, ts_ms: int) -> BookEvent:
        """The next event, applied to the truth: the one a snapshot already peeked at, if any."""
        event = self.pending if self.pending is not None else self._generate(ts_ms)
        self.pending = None
        event.ts_ms = ts_ms
        self.truth.change(
            bids=[(p, q) for p, q, _ in event.bids],
            asks=[(p, q) for p, q, _ in event.asks],
            sequence=event.last,
        )
        return event

    def snapshot(self, limit: int, *, mid_event: random.Random | None = None) -> tuple[int, list, list]:
        """(lastUpdateId, bids, asks) best first. With `mid_event`, cut inside the next event, as
        Binance's snapshots are: its ids count single changes while the stream reports them in
        batches, so lastUpdateId usually falls within an event's U..u, which the futures rule
        (U <= lastUpdateId <= u) relies on. The event is then fixed in advance and streamed next."""
        book = self.truth
        if mid_event is None:
            bids, asks = book.top(limit)
            return book.sequence, bids, asks
        if self.pending is None:
            self.pending = self._generate(int(time.time() * 1000))
        event = self.pending
        changes = [(True, p, q) for p, q, _ in event.bids] + [(False, p, q) for p, q, _ in event.asks]
        # Entry i of the event carries update id first + i. Never all but the last of a one-change
        # event's nothing: a cut at an event's very start would leave futures clients no event
        # holding lastUpdateId.
        taken = len(changes) if len(changes) == 1 else mid_event.randint(1, len(changes) - 1)
        bids = dict(book.bids.levels)
        asks = dict(book.asks.levels)
        for is_bid, price, qty in changes[:taken]:
            side = bids if is_bid else asks
            if qty:
                side[price] = qty
            else:
                side.pop(price, None)
        top_bids = sorted(bids.items(), reverse=True)[:limit]
        top_asks = sorted(asks.items())[:limit]
        return event.first + taken - 1, top_bids, top_asks

    def _generate(self, ts_ms: int) -> BookEvent:
        """Change 1..max_changes levels; returns the event that carries exactly those changes."""
        before_top = (self.bids.peekitem(-1), self.asks.peekitem(0))
        touched: dict[str, dict[int, int | None]] = {"b": {}, "a": {}}  # price -> steps before (None: absent)
        wanted = self.rng.randint(1, self.max_changes)
        done = self._follow(touched) if self.anchor is not None else 0
        while done < wanted:
            done += self._one_change(touched, budget=wanted - done)
        self._keep_size(touched)
        bids = self._entries(touched["b"], self.bids)
        asks = self._entries(touched["a"], self.asks)
        if not bids and not asks:
            # Every change undid itself; a venue would not send an empty event, nor do we.
            return self._generate(ts_ms)
        prev = self.sequence
        self.sequence += len(bids) + len(asks)  # one update id per level changed
        after_top = (self.bids.peekitem(-1), self.asks.peekitem(0))
        return BookEvent(
            first=prev + 1,
            last=self.sequence,
            prev=prev,
            ts_ms=ts_ms,
            bids=bids,
            asks=asks,
            top_changed=after_top != before_top,
        )

    def _follow(self, touched) -> int:
        """Keep the best bid below the target and the best ask above it. When the price has moved
        through one side, that side's levels go from the top (they are hit) and the other side
        quotes again just beyond the target. At most `max_changes` changes: a long way (a venue
        stalled while the price moved) is made up over a few events."""
        target = self._target = self.anchor.next() / self._tick_size
        budget = self.max_changes
        changes = 0
        best_bid, best_ask = self.bids.peekitem(-1)[0], self.asks.peekitem(0)[0]
        if best_bid >= target:  # the price fell through the bids
            while best_bid >= target and len(self.bids) > 1 and changes < budget - 1:
                self._set("b", best_bid, 0, touched)
                changes += 1
                best_bid = self.bids.peekitem(-1)[0]
            price = max(best_bid + 1, math.floor(target) + 1 + int(self.rng.expovariate(1.0)))
            if price < best_ask:
                self._set("a", price, self._random_steps(), touched)
                changes += 1
        elif best_ask <= target:  # the price rose through the asks
            while best_ask <= target and len(self.asks) > 1 and changes < budget - 1:
                self._set("a", best_ask, 0, touched)
                changes += 1
                best_ask = self.asks.peekitem(0)[0]
            price = min(best_ask - 1, math.ceil(target) - 1 - int(self.rng.expovariate(1.0)))
            if price > best_bid and price > 0:
                self._set("b", price, self._random_steps(), touched)
                changes += 1
        return changes

    def _room(self, side: str, best_bid: int, best_ask: int) -> tuple[int, int]:
        """The prices strictly inside the spread where `side` may place a new best level (an
        empty range when low > high): on its own side of the target when the walk follows one."""
        low, high = best_bid + 1, best_ask - 1
        if self._target is not None:
            if side == "b":
                high = min(high, math.ceil(self._target) - 1)
            else:
                low = max(low, math.floor(self._target) + 1)
        return low, high

    def _set(self, side: str, price: int, steps: int, touched) -> None:
        book = self.bids if side == "b" else self.asks
        if price not in touched[side]:
            touched[side][price] = book.get(price)
        if steps:
            book[price] = steps
        else:
            book.pop(price, None)

    def _pick_index(self, size: int) -> int:
        """An index from the top, most often near it (where real books change most)."""
        return min(int(self.rng.expovariate(1 / 8)), size - 1)

    def _one_change(self, touched, *, budget: int) -> int:
        rng = self.rng
        side = "b" if rng.random() < 0.5 else "a"
        book = self.bids if side == "b" else self.asks
        roll = rng.random()
        if roll < 0.45:  # a quantity changes
            i = self._pick_index(len(book))
            price = book.peekitem(-1 - i)[0] if side == "b" else book.peekitem(i)[0]
            self._set(side, price, self._random_steps(), touched)
            return 1
        # Levels come and go in a balance that pulls each side back towards the middle of its
        # allowed size, so books neither empty out nor pile up at the cap.
        target = (self.min_levels + self.max_levels) / 2
        add_share = min(0.9, max(0.1, 0.5 + (target - len(book)) / (2 * target)))
        if (
            roll < 0.45 + 0.4 * add_share
        ):  # a new level behind the top, or inside the spread when there is room
            best_bid, best_ask = self.bids.peekitem(-1)[0], self.asks.peekitem(0)[0]
            low, high = self._room(side, best_bid, best_ask)
            if low <= high and rng.random() < 0.3:
                price = rng.randint(low, high)
            elif side == "b":
                price = best_bid - self._depth_offset()
            else:
                price = best_ask + self._depth_offset()
            # An occupied price: the new level goes to the next free tick further out.
            away = -1 if side == "b" else 1
            while price in book:
                price += away
            if price <= 0:
                return 0
            self._set(side, price, self._random_steps(), touched)
            return 1
        if roll < 0.85:  # a level goes
            if len(book) <= self.min_levels:
                return 0
            i = self._pick_index(len(book))
            price = book.peekitem(-1 - i)[0] if side == "b" else book.peekitem(i)[0]
            self._set(side, price, 0, touched)
            return 1
        # The mid drifts: one side steps into the spread, taking the other side's best level if
        # it is in the way. Never crossed: the new level is always strictly inside.
        best_bid, best_ask = self.bids.peekitem(-1)[0], self.asks.peekitem(0)[0]
        if self._target is not None:
            # Following a price: the touch steps in only as far as its own side of it.
            low, high = self._room(side, best_bid, best_ask)
            if low > high:  # no room: the best level's quantity changes instead
                self._set(side, best_bid if side == "b" else best_ask, self._random_steps(), touched)
            else:
                self._set(side, low if side == "b" else high, self._random_steps(), touched)
            return 1
        if best_ask - best_bid <= 1 and budget < 2:
            return 0  # stepping in would take two changes; the event has room for one
        changes = 0
        if side == "b":
            if best_ask - best_bid <= 1:
                if len(self.asks) <= self.min_levels:
                    return 0
                self._set("a", best_ask, 0, touched)
                changes += 1
            self._set("b", best_bid + 1, self._random_steps(), touched)
        else:
            if best_ask - best_bid <= 1:
                if len(self.bids) <= self.min_levels or best_bid - 1 <= 0:
                    return 0
                self._set("b", best_bid, 0, touched)
                changes += 1
            self._set("a", best_ask - 1, self._random_steps(), touched)
        return changes + 1

    def _keep_size(self, touched) -> None:
        """Keep each side between min_levels and max_levels by trimming or adding far levels."""
        for side, book in (("b", self.bids), ("a", self.asks)):
            while len(book) > self.max_levels:
                far = book.peekitem(0)[0] if side == "b" else book.peekitem(-1)[0]
                self._set(side, far, 0, touched)
            while len(book) < self.min_levels:
                far = book.peekitem(0)[0] if side == "b" else book.peekitem(-1)[0]
                price = far - self._depth_offset() if side == "b" else far + self._depth_offset()
                if price <= 0:
                    break
                self._set(side, price, self._random_steps(), touched)

    def _entries(self, before: dict[int, int | None], book: SortedDict) -> list[Entry]:
        out: list[Entry] = []
        for price in sorted(before):
            was = before[price]
            now = book.get(price)
            if was is None and now is None:
                continue  # appeared and went within the event: nothing to tell
            if was is None:
                action = "new"
            elif now is None:
                action = "delete"
            else:
                action = "change"
            out.append((self.price(price), self.qty(now or 0), action))
        return out

    # ---- trades -------------------------------------------------------------------------
    def trade(self, ts_ms: int) -> TradeTick:
        """A taker trade at the best price of one side. Trades do not change the book here: the
        depth stream stays the only thing that does, which keeps the truth easy to state."""
        rng = self.trade_rng
        sell = rng.random() < 0.5
        (bid, bid_qty), (ask, ask_qty) = self.best()
        typical = float(self.instrument.typical_qty / self.step_size) / 4
        qty = min(
            bid_qty if sell else ask_qty, self.qty(max(1, int(typical * rng.lognormvariate(-0.5, 1.0))))
        )
        self.next_trade_id += 1
        return TradeTick(
            trade_id=self.next_trade_id,
            ts_ms=ts_ms,
            price=bid if sell else ask,
            qty=qty,
            buyer_is_maker=sell,
        )

    def best(self) -> tuple[tuple[Decimal, Decimal], tuple[Decimal, Decimal]]:
        """Best bid and ask of the truth (what has been streamed, not an event peeked at)."""
        bids, asks = self.truth.top(1)
        return bids[0], asks[0]
