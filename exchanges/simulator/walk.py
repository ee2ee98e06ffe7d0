"""The random walk of one instrument's book: the truth every stream and snapshot is cut from.

Prices and quantities live as integers (ticks, steps) while walking, so the book can never hold a
price off the tick grid, and the truth is read from them as an exact `TruthBook` (the simulator's
own book model, independent of the feed's VenueBook that tests check against it). The walk depends on
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
from decimal import Decimal
from itertools import count, filterfalse
from statistics import NormalDist
from typing import Protocol

from exchanges.simulator.catalog import SimInstrument
from exchanges.simulator.events import BookEvent, Entry, TradeTick
from exchanges.simulator.ladder import Ladder
from exchanges.simulator.truth_book import TruthBook

__all__ = ["Anchor", "BookEvent", "BookWalk", "Entry", "TradeTick"]

_log = math.log
PRICE_CACHE = 1024  # prices a walk keeps as Decimal, of the ones it used lately
# A new level's quantity is its instrument's typical one times a lognormal(-0.5, 1) factor, drawn
# as one of SIZES equally likely quantiles of it: one uniform draw where a normal deviate takes a
# loop of them. The largest factor is about 24 (the 99.99th percentile), the smallest 0.02.
SIZES = 4096
SIZE_FACTORS = tuple(math.exp(-0.5 + NormalDist().inv_cdf((i + 0.5) / SIZES)) for i in range(SIZES))


class Anchor(Protocol):
    """Where a venue's book is centred (market.VenuePrice): `price` now, `next()` for an event."""

    price: float

    def next(self) -> float: ...


class BookWalk:
    """Generates uncrossed book changes for one instrument, 1..`max_changes` levels per event.

    A walk makes a few draws for each of its changes, so they are cheap ones: an exponential is
    -log(1 - u) / rate written out, a quantity one of the SIZES quantiles (one uniform each)."""

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
        # This event's target in ticks, and the highest bid and lowest ask that may be placed on
        # its side of it (None: no anchor, no such limit).
        self._target = self._bid_cap = self._ask_floor = None
        self._tick_size = float(instrument.tick)
        self.rng = random.Random(f"walk:{seed}:{instrument.key}")
        self.min_levels = min_levels
        self.max_levels = max_levels
        self.max_changes = max_changes
        self._mid_size = (min_levels + max_levels) / 2  # the size each side is pulled back to
        self.tick = instrument.tick
        self.step_size = instrument.step
        self._typical = float(instrument.typical_qty / instrument.step)  # a level's usual steps
        self._no_qty = Decimal(0) * instrument.step  # a removed level's quantity, at the step's scale
        self._prices: dict[int, Decimal] = {}  # ticks -> price, for the ticks used lately
        self.bids = Ladder(bids=True)  # ticks -> steps
        self.asks = Ladder(bids=False)
        self.sequence = self.rng.randrange(1_000_000, 9_000_000)  # a venue's ids never start at 0
        self.next_trade_id = self.rng.randrange(100_000, 900_000)
        self.truth = TruthBook(
            venue=instrument.venue,
            symbol=instrument.symbol,
            bids=self.bids,
            asks=self.asks,
            price=self.price,
            qty=self.qty,
            sequence=self.sequence,
        )
        self.pending: BookEvent | None = None  # generated for a snapshot, streamed at the next tick
        # Trades draw from their own source so their rate never changes the books a seed gives.
        self.trade_rng = random.Random(f"trades:{seed}:{instrument.key}")
        self._seed_book()

    # ---- numbers ------------------------------------------------------------------------
    def price(self, ticks: int) -> Decimal:
        price = self._prices.get(ticks)
        if price is None:
            if len(self._prices) >= PRICE_CACHE:
                self._prices.clear()
            price = self._prices[ticks] = Decimal(ticks) * self.tick
        return price

    def qty(self, steps: int) -> Decimal:
        return Decimal(steps) * self.step_size

    def _random_steps(self) -> int:
        """A new level's quantity, in steps (at least one)."""
        steps = int(self._typical * SIZE_FACTORS[int(self.rng.random() * SIZES)])
        return steps if steps > 1 else 1

    def _depth_offset(self, _log=_log) -> int:
        """How far from the top a new level lands: mostly near it, sometimes deep (mean 6)."""
        return 1 + int(-_log(1.0 - self.rng.random()) / (1 / 6))

    def _pick_index(self, size: int, _log=_log) -> int:
        """An index from the top, most often near it (where real books change most): mean 8."""
        i = int(-_log(1.0 - self.rng.random()) / (1 / 8))
        return i if i < size else size - 1

    # ---- start --------------------------------------------------------------------------
    def _seed_book(self) -> None:
        if self.anchor is not None:
            mid = max(2, round(self.anchor.price / self._tick_size))
        else:
            mid = int(self.instrument.mid / self.tick)
        rng = self.rng
        for book, away in ((self.bids, -1), (self.asks, 1)):
            price = mid + away
            for _ in range(rng.randint(self.min_levels + 30, min(self.max_levels, self.min_levels + 150))):
                book.set(price, self._random_steps())
                price += away * (1 + int(rng.expovariate(1 / 2)))
            book.before = {}

    # ---- one event ----------------------------------------------------------------------
    def step(self, ts_ms: int) -> BookEvent:
        """The next event, applied to the truth: the one a snapshot already peeked at, if any."""
        event = self.pending if self.pending is not None else self._generate(ts_ms)
        self.pending = self.truth.held = None
        event.ts_ms = ts_ms
        self.truth.sequence = event.last
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
            self.truth.held = (self.bids.before, self.asks.before)
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
        bids, asks = self.bids, self.asks
        before_top = self._tops()
        while True:
            bids.before, asks.before = {}, {}
            wanted = 1 + int(self.rng.random() * self.max_changes)  # 1..max_changes
            self._change_levels(self._follow() if self.anchor is not None else 0, wanted)
            self._keep_size()
            bid_entries, ask_entries = self._entries(bids), self._entries(asks)
            if bid_entries or ask_entries:
                break
            # Every change undid itself; a venue would not send an empty event, nor do we.
        prev = self.sequence
        self.sequence += len(bid_entries) + len(ask_entries)  # one update id per level changed
        return BookEvent(
            first=prev + 1,
            last=self.sequence,
            prev=prev,
            ts_ms=ts_ms,
            bids=bid_entries,
            asks=ask_entries,
            top_changed=self._tops() != before_top,
        )

    def _tops(self) -> tuple[int, int, int, int]:
        """Best bid and ask, each with its quantity."""
        bid, ask = self.bids.prices[-1], self.asks.prices[0]
        return bid, self.bids.steps[bid], ask, self.asks.steps[ask]

    def _follow(self) -> int:
        """Keep the best bid below the target and the best ask above it. When the price has moved
        through one side, that side's levels go from the top (they are hit) and the other side
        quotes again just beyond the target. At most `max_changes` changes: a long way (a venue
        stalled while the price moved) is made up over a few events."""
        target = self._target = self.anchor.next() / self._tick_size
        self._bid_cap, self._ask_floor = math.ceil(target) - 1, math.floor(target) + 1
        budget = self.max_changes
        bids, asks = self.bids, self.asks
        changes = 0
        best_bid, best_ask = bids.prices[-1], asks.prices[0]
        if best_bid >= target:  # the price fell through the bids
            while best_bid >= target and len(bids) > 1 and changes < budget - 1:
                bids.set(best_bid, 0)
                changes += 1
                best_bid = bids.best()
            price = max(best_bid + 1, math.floor(target) + 1 + int(self.rng.expovariate(1.0)))
            if price < best_ask:
                asks.set(price, self._random_steps())
                changes += 1
        elif best_ask <= target:  # the price rose through the asks
            while best_ask <= target and len(asks) > 1 and changes < budget - 1:
                asks.set(best_ask, 0)
                changes += 1
                best_ask = asks.best()
            price = min(best_ask - 1, math.ceil(target) - 1 - int(self.rng.expovariate(1.0)))
            if price > best_bid and price > 0:
                bids.set(price, self._random_steps())
                changes += 1
        return changes

    def _room(self, is_bid: bool, best_bid: int, best_ask: int) -> tuple[int, int]:
        """The prices strictly inside the spread where a side may place a new best level (an
        empty range when low > high): on its own side of the target when the walk follows one."""
        low, high = best_bid + 1, best_ask - 1
        if is_bid:
            cap = self._bid_cap
            if cap is not None and cap < high:
                high = cap
        else:
            floor = self._ask_floor
            if floor is not None and floor > low:
                low = floor
        return low, high

    def _change_levels(self, done: int, wanted: int) -> None:
        """Random changes until `wanted` are done. Each picks a side (even odds), then: a level's
        quantity changes (45%), a level comes (40% x add_share) or goes (the rest up to 85%), or
        the touch steps into the spread (15%). Levels come and go in a balance that pulls each
        side back towards the middle of its allowed size, so books neither empty out nor pile up
        at the cap: add_share is 0.5 + (middle - size) / (2 middle), kept within 0.1..0.9."""
        random = self.rng.random
        pick, typical = self._pick_index, self._typical
        bids, asks = self.bids, self.asks
        middle, min_levels = self._mid_size, self.min_levels
        while done < wanted:
            is_bid = random() < 0.5
            book = bids if is_bid else asks
            prices = book.prices
            size = len(prices)
            roll = random()
            if roll < 0.45:  # a quantity changes (the most common change: _pick_index,
                # _random_steps and Ladder.requote written out)
                i = int(-_log(1.0 - random()) / (1 / 8))
                price = prices[-1 - i if i < size else 0] if is_bid else prices[i if i < size else -1]
                steps = int(typical * SIZE_FACTORS[int(random() * SIZES)])
                levels, before = book.steps, book.before
                if price not in before:
                    before[price] = levels[price]
                levels[price] = steps if steps > 1 else 1
                done += 1
                continue
            add_share = 0.5 + (middle - size) / (2 * middle)
            add_share = 0.1 if add_share < 0.1 else 0.9 if add_share > 0.9 else add_share
            if roll < 0.45 + 0.4 * add_share:
                done += self._add_level(book)
            elif roll < 0.85:  # a level goes
                if size > min_levels:
                    i = pick(size)
                    book.set(prices[-1 - i] if is_bid else prices[i], 0)
                    done += 1
            else:
                done += self._step_in(book, budget=wanted - done)

    def _add_level(self, book: Ladder) -> int:
        """A new level behind the top, or inside the spread when there is room (3 times in 10)."""
        rng = self.rng
        is_bid = book.bids
        best_bid, best_ask = self.bids.prices[-1], self.asks.prices[0]
        low, high = self._room(is_bid, best_bid, best_ask)
        if low <= high and rng.random() < 0.3:
            price = low + int(rng.random() * (high - low + 1))  # low..high
        elif is_bid:
            price = best_bid - self._depth_offset()
        else:
            price = best_ask + self._depth_offset()
        # An occupied price: the new level goes to the next free tick further out.
        taken = book.steps
        if price in taken:
            away = -1 if is_bid else 1
            price = next(filterfalse(taken.__contains__, count(price + away, away)))
        if price <= 0:
            return 0
        book.set(price, self._random_steps())
        return 1

    def _step_in(self, book: Ladder, *, budget: int) -> int:
        """The mid drifts: one side steps into the spread, taking the other side's best level if
        it is in the way. Never crossed: the new level is always strictly inside."""
        bids, asks = self.bids, self.asks
        is_bid = book.bids
        best_bid, best_ask = bids.prices[-1], asks.prices[0]
        if self._target is not None:
            # Following a price: the touch steps in only as far as its own side of it.
            low, high = self._room(is_bid, best_bid, best_ask)
            if low > high:  # no room: the best level's quantity changes instead
                book.set(best_bid if is_bid else best_ask, self._random_steps())
            else:
                book.set(low if is_bid else high, self._random_steps())
            return 1
        if best_ask - best_bid <= 1 and budget < 2:
            return 0  # stepping in would take two changes; the event has room for one
        changes = 0
        if is_bid:
            if best_ask - best_bid <= 1:
                if len(asks) <= self.min_levels:
                    return 0
                asks.set(best_ask, 0)
                changes += 1
            bids.set(best_bid + 1, self._random_steps())
        else:
            if best_ask - best_bid <= 1:
                if len(bids) <= self.min_levels or best_bid - 1 <= 0:
                    return 0
                bids.set(best_bid, 0)
                changes += 1
            asks.set(best_ask - 1, self._random_steps())
        return changes + 1

    def _keep_size(self) -> None:
        """Keep each side between min_levels and max_levels by trimming or adding far levels."""
        low, high = self.min_levels, self.max_levels
        if low <= len(self.bids.prices) <= high and low <= len(self.asks.prices) <= high:
            return  # as nearly always
        for book in (self.bids, self.asks):
            while len(book.prices) > self.max_levels:
                book.set(book.far(), 0)
            while len(book.prices) < self.min_levels:
                far = book.far()
                price = far - self._depth_offset() if book.bids else far + self._depth_offset()
                if price <= 0:
                    break
                book.set(price, self._random_steps())

    def _entries(self, book: Ladder) -> list[Entry]:
        """What the event did to one side, ascending price: each price it touched (a level that
        came and went within the event tells nothing), with its quantity now and its action."""
        now_of, prices, price_of, step = book.steps.get, self._prices, self.price, self.step_size
        return [
            (
                prices.get(price) or price_of(price),
                self._no_qty if now is None else Decimal(now) * step,
                "delete" if now is None else "new" if was is None else "change",
            )
            for price, was in sorted(book.before.items())
            if (now := now_of(price)) is not None or was is not None
        ]

    # ---- trades -------------------------------------------------------------------------
    def trade(self, ts_ms: int) -> TradeTick:
        """A taker trade at the best price of one side. Trades do not change the book here: the
        depth stream stays the only thing that does, which keeps the truth easy to state."""
        rng = self.trade_rng
        sell = rng.random() < 0.5
        (bid, bid_qty), (ask, ask_qty) = self.best()
        steps = max(1, int(self._typical / 4 * rng.lognormvariate(-0.5, 1.0)))
        qty = min(bid_qty if sell else ask_qty, self.qty(steps))
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
        return self.truth.bids.best(), self.truth.asks.best()
