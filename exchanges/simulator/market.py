"""The market: every instrument's walk, the clock that moves them, and who listens to what.

Connections subscribe to topics `(venue, symbol, channel)` with channel one of
`depth` (every event: Binance @depth@100ms, Deribit book.*), `depth1s` (Binance @depth, events
merged per second), `trade` and `ticker` (best bid/ask changed). Publishing is synchronous on
the event loop, so a snapshot taken between two events is exactly the truth after the last one.

The venues of one coin follow one fair price (`FairPrice`, a random walk moved once per tick of
the clock), each with a small offset of its own, as real venues follow one market: their books
agree to within their spreads and cross each other only now and then, briefly.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import defaultdict
from typing import Protocol

from exchanges.simulator.catalog import SimInstrument
from exchanges.simulator.options import SimOptions
from exchanges.simulator.walk import BookEvent, BookWalk, TradeTick

Topic = tuple[str, str, str]
CHANNELS = ("depth", "depth1s", "trade", "ticker")
FAIR_STEP_BPS = 0.03  # the fair price's move per tick (sd): about 5 bps a minute at 10 ticks a second
# Dollars are one market here, as the consolidated book merges them.
USD_LIKE = frozenset(("USD", "USDT", "USDC", "FDUSD", "BUSD"))


class Listener(Protocol):
    def deliver(self, channel: str, walk: BookWalk, item: BookEvent | TradeTick | None) -> None: ...


def now_ms() -> int:
    return int(time.time() * 1000)


def merge_events(events: list[BookEvent]) -> BookEvent:
    """Several consecutive events as one, the way Binance's 1000 ms stream reports a second:
    ids from the first's U to the last's u, each level at its final quantity."""
    if len(events) == 1:
        return events[0]
    sides: list[dict] = [{}, {}]
    for event in events:
        for merged, entries in zip(sides, (event.bids, event.asks), strict=True):
            for price, qty, action in entries:
                first_action = merged[price][1] if price in merged else action
                merged[price] = (qty, first_action)
    bids, asks = ([(p, q, a if q else "delete") for p, (q, a) in sorted(side.items())] for side in sides)
    return BookEvent(
        first=events[0].first,
        last=events[-1].last,
        prev=events[0].prev,
        ts_ms=events[-1].ts_ms,
        bids=bids,
        asks=asks,
        top_changed=any(e.top_changed for e in events),
    )


class FairPrice:
    """One coin's fair price: a random walk in log price, one step per tick of the market's clock.
    Its own random source, so it depends on the seed and the coin only."""

    def __init__(self, price: float, *, seed: object, name: str, step_bps: float = FAIR_STEP_BPS) -> None:
        self.price = price
        self.step = step_bps * 1e-4
        self.rng = random.Random(f"fair:{seed}:{name}")

    def move(self) -> None:
        self.price *= math.exp(self.rng.gauss(0.0, self.step))


# A venue's own offset from the fair price, in bps: now and then (this chance per event) a venue
# leads or lags the market by a normal kick of this size, which fades by this share each event.
# Rare and brief, as on real venues: a steady offset of even a cent would keep spot books of a
# one-cent tick crossed with the others all the time.
OFFSET_KICK_CHANCE = 0.001
OFFSET_KICK_BPS = 0.2
OFFSET_FADE = 0.5


class VenuePrice:
    """Where one venue's book is centred: its coin's fair price, with an offset of its own that
    moves once per event of that venue (its own random source: the seed and the instrument)."""

    def __init__(self, fair: FairPrice, *, seed: object, key: str) -> None:
        self.fair = fair
        self.offset_bps = 0.0
        self.rng = random.Random(f"offset:{seed}:{key}")

    @property
    def price(self) -> float:
        return self.fair.price * (1.0 + self.offset_bps * 1e-4)

    def next(self) -> float:
        """The price for the venue's next event."""
        self.offset_bps *= 1.0 - OFFSET_FADE
        if self.rng.random() < OFFSET_KICK_CHANCE:
            self.offset_bps += self.rng.gauss(0.0, OFFSET_KICK_BPS)
        return self.price


def coin_of(instrument: SimInstrument) -> str:
    """The market an instrument trades in: its base against USD (any dollar) or its own quote."""
    quote = "USD" if instrument.quote in USD_LIKE else instrument.quote
    return f"{instrument.base}-{quote}"


class Market:
    def __init__(self, instruments: list[SimInstrument], *, seed: object, options: SimOptions) -> None:
        self.options = options
        self.instruments = {(i.venue, i.symbol): i for i in instruments}
        # The first instrument of a coin sets where its fair price starts.
        self.fair: dict[str, FairPrice] = {}
        for inst in instruments:
            coin = coin_of(inst)
            if coin not in self.fair:
                self.fair[coin] = FairPrice(float(inst.mid), seed=seed, name=coin)
        self.walks = {
            key: BookWalk(
                inst,
                seed=seed,
                min_levels=options.min_levels,
                max_levels=options.max_levels,
                max_changes=options.max_changes,
                anchor=VenuePrice(self.fair[coin_of(inst)], seed=seed, key=inst.key),
            )
            for key, inst in self.instruments.items()
        }
        self.listeners: dict[Topic, set[Listener]] = defaultdict(set)
        self.paused = False
        self.paused_venues: set[str] = set()  # stalled venues: connections open, books still
        self.down_venues: set[str] = set()  # stalled and refusing everything (503), connections cut
        self._pending_1s: dict[tuple[str, str], list[BookEvent]] = defaultdict(list)
        # Each walk's topics (depth, ticker, trade) and whether its venue has a 1000 ms stream.
        self._topics = {
            key: ((*key, "depth"), (*key, "ticker"), (*key, "trade"), key[0].startswith("binance"))
            for key in self.walks
        }
        # When a trade happens is decided apart from the walks: trade timing never moves a book.
        self._trade_clock = random.Random(f"trade-clock:{seed}")
        self.events = 0
        self.trades = 0

    # ---- listeners ----------------------------------------------------------------------
    def walk(self, venue: str, symbol: str) -> BookWalk | None:
        return self.walks.get((venue, symbol))

    def listen(self, topic: Topic, listener: Listener) -> None:
        self.listeners[topic].add(listener)

    def unlisten(self, topic: Topic, listener: Listener) -> None:
        subs = self.listeners.get(topic)
        if subs is not None:
            subs.discard(listener)
            if not subs:
                del self.listeners[topic]

    def forget(self, listener: Listener) -> None:
        for topic in [t for t, subs in self.listeners.items() if listener in subs]:
            self.unlisten(topic, listener)

    def _publish(self, topic: Topic, walk: BookWalk, item) -> None:
        subs = self.listeners.get(topic)
        if subs:
            for listener in list(subs):
                listener.deliver(topic[2], walk, item)

    # ---- moving the books ---------------------------------------------------------------
    def advance(self, steps: int = 1) -> None:
        """Move every book `steps` events (and maybe trade), as `steps` ticks of the clock would."""
        for _ in range(steps):
            self._tick()

    def _tick(self) -> None:
        ts = now_ms()
        trade_chance = self.options.trades_per_second / self.options.rate if self.options.rate > 0 else 0.2
        for fair in self.fair.values():
            fair.move()  # stalled venues or not: the market moves on without them
        for key, walk in self.walks.items():
            if key[0] in self.paused_venues:
                continue
            self._step(key, walk, ts)
            if self._trade_clock.random() < trade_chance:
                self.trades += 1
                self._publish(self._topics[key][2], walk, walk.trade(ts))

    def _step(self, key: tuple[str, str], walk: BookWalk, ts: int) -> None:
        depth, ticker, _, second = self._topics[key]
        event = walk.step(ts)
        self.events += 1
        if second:
            self._pending_1s[key].append(event)
        self._publish(depth, walk, event)
        if event.top_changed:
            self._publish(ticker, walk, event)

    def pause(self) -> None:
        """Stop the clock. An event a snapshot already showed part of is streamed first, so the
        paused truth holds everything any client can have seen."""
        self.paused = True
        ts = now_ms()
        for key, walk in self.walks.items():
            if walk.pending is not None:
                self._step(key, walk, ts)

    def pause_venue(self, venue: str) -> None:
        """Stall one venue (its books stop, the others move on), with the same care as pause()."""
        self.paused_venues.add(venue)
        ts = now_ms()
        for key, walk in self.walks.items():
            if key[0] == venue and walk.pending is not None:
                self._step(key, walk, ts)

    def resume_venue(self, venue: str) -> None:
        """Back from a stall or from down: its books move again and it answers."""
        self.paused_venues.discard(venue)
        self.down_venues.discard(venue)

    def running(self, venue: str) -> bool:
        """Whether the venue's books move on by themselves (the clock runs and it is not stalled)."""
        return self.options.rate > 0 and not self.paused and venue not in self.paused_venues

    def flush_slow(self) -> None:
        """Send the merged second to the 1000 ms depth streams."""
        pending, self._pending_1s = self._pending_1s, defaultdict(list)
        for (venue, symbol), events in pending.items():
            topic = (venue, symbol, "depth1s")
            if events and topic in self.listeners:  # merged only for someone to hear it
                self._publish(topic, self.walks[(venue, symbol)], merge_events(events))

    async def run(self) -> None:
        """The clock: `rate` ticks a second, the 1000 ms streams once a second. Late ticks are
        caught up a few at a time rather than in one burst, and never while paused."""
        loop = asyncio.get_running_loop()
        rate = self.options.rate
        period = 1.0 / rate if rate > 0 else 1.0
        next_tick = loop.time() + period
        next_slow = loop.time() + 1.0
        while True:
            now = loop.time()
            if rate > 0 and now >= next_tick:
                behind = int((now - next_tick) / period) + 1
                if not self.paused:
                    self.advance(min(behind, 5))
                next_tick += behind * period
            if now >= next_slow:
                self.flush_slow()
                next_slow += max(1, int(now - next_slow) + 1) * 1.0
            await asyncio.sleep(max(0.0, min(next_tick if rate > 0 else next_slow, next_slow) - loop.time()))
