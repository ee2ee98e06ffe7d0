"""The live store and publisher: the latest consolidated book per pair, for the web to read and push.

The feed process keeps the consolidated books; `LivePublisher` listens to them, and at most
MARKETAGG["PUBLISH_HZ"] times a second per pair (at once when a venue leaves or returns) builds
the pair's payload (books, members, crossing, live metrics), puts it in the live store and sends
it, cut to MARKETAGG["PUBLISH_DEPTH"] levels a side, to the web processes' relays
(books/relay.py) through the channel-layer group `book.<PAIR>`; on Redis first with one PUBLISH
on the pair's pub/sub channel (relay.FastLane: a group_send costs four round trips).

The store is in memory when settings.REDIS_URL is empty (embedded `serve`: web and feeds share a
process) and Redis keys `marketagg:live:<PAIR>` otherwise (web and feed processes apart). Its
methods are synchronous: web views call them directly; the publisher calls a Redis store from a
worker thread so the event loop never waits on the network.
"""

from __future__ import annotations

import asyncio
import threading
import time
from decimal import Decimal

import msgspec
from django.conf import settings

from books.consolidated import ConsolidatedBook, ConsolidatedBooks
from books.consolidated_levels import fast_plain
from books.numbers import plain
from books.relay import fast_lane
from marketagg.logging import get_logger

log = get_logger("books.live")

KEY_PREFIX = "marketagg:live:"
PRESETTLE_LEAD = 0.02  # seconds before a publication its book applies the diffs waiting
PAIRS_KEY = "marketagg:live:pairs"
_encode_json = msgspec.json.encode
_decode_json = msgspec.json.decode


class MemoryLiveStore:
    """Payloads in this process's memory (the embedded default)."""

    blocking = False

    def __init__(self) -> None:
        self._payloads: dict[str, dict] = {}
        self._lock = threading.Lock()

    def put(self, pair: str, payload: dict) -> None:
        with self._lock:
            self._payloads[pair] = payload

    def get(self, pair: str) -> dict | None:
        with self._lock:
            return self._payloads.get(pair)

    def pairs(self) -> list[str]:
        with self._lock:
            return sorted(self._payloads)

    def clear(self) -> None:
        with self._lock:
            self._payloads.clear()


class RedisLiveStore:
    """Payloads as JSON under `marketagg:live:<PAIR>`, the pairs in a set beside them."""

    blocking = True  # network calls: the feed process calls put() from a worker thread

    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self._redis = redis.Redis.from_url(url)

    def put(self, pair: str, payload: dict) -> None:
        # msgspec, not json.dumps: the feed process encodes every pair's payload (venue books
        # included) several times a second, and json.dumps held the interpreter lock for a tenth
        # of that process's time, stalling its event loop. A float that is not finite would be
        # written as null; payloads carry none (analytics.live turns them into None first).
        text = _encode_json(payload)
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.set(KEY_PREFIX + pair, text)
            pipe.sadd(PAIRS_KEY, pair)
            pipe.execute()

    def get(self, pair: str) -> dict | None:
        text = self._redis.get(KEY_PREFIX + pair)
        return None if text is None else _decode_json(text)

    def pairs(self) -> list[str]:
        return sorted(p.decode() if isinstance(p, bytes) else p for p in self._redis.smembers(PAIRS_KEY))

    def clear(self) -> None:
        pairs = self.pairs()
        self._redis.delete(PAIRS_KEY, *(KEY_PREFIX + p for p in pairs))


_stores: dict[str, MemoryLiveStore | RedisLiveStore] = {}
_stores_lock = threading.Lock()


def live_store() -> MemoryLiveStore | RedisLiveStore:
    """This process's live store: Redis when settings.REDIS_URL is set, else in memory."""
    url = getattr(settings, "REDIS_URL", "") or ""
    with _stores_lock:
        store = _stores.get(url)
        if store is None:
            store = _stores[url] = RedisLiveStore(url) if url else MemoryLiveStore()
        return store


# ---- payload -----------------------------------------------------------------------------------
def crossed_json(crossed: dict | None) -> dict | None:
    if crossed is None:
        return None
    return {k: plain(v) if isinstance(v, Decimal) else v for k, v in crossed.items()}


class VenueRows:
    """Each member's venue book as JSON rows, rebuilt only where a level changed since the last
    publication (a changed level holds a new quantity object), so publishing the full depth of
    every venue several times a second stays cheap on the event loop."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], dict[Decimal, tuple[Decimal, list]]] = {}

    def book_json(self, key: str, venue_book) -> dict[str, list]:
        out = {}
        for side_name, side in (("bids", venue_book.bids), ("asks", venue_book.asks)):
            old = self._rows.get((key, side_name), {})
            new: dict[Decimal, tuple[Decimal, list]] = {}
            levels = side.levels
            rows = []
            for p in reversed(side.prices) if side.descending else side.prices:
                q = levels[p]
                cached = old.get(p)
                if cached is None or cached[0] is not q:
                    cached = (q, [fast_plain(p), fast_plain(q)])
                new[p] = cached
                rows.append(cached[1])
            self._rows[(key, side_name)] = new
            out[side_name] = rows
        return out


def build_payload(
    *,
    book: ConsolidatedBook,
    metrics: dict | None = None,
    now: float | None = None,
    rows: VenueRows | None = None,
) -> dict:
    """The live store's full payload of one pair (docs/architecture.md, "Live store")."""
    members = [book.members[k] for k in sorted(book.members)]
    rows = rows if rows is not None else VenueRows()
    return {
        "pair": book.pair,
        "ts": book.updated_at,
        "published_at": time.time() if now is None else now,
        "version": book.version,
        "consolidated": book.to_json(),
        "members": [m.as_dict() for m in members],
        "quotes": sorted(book.quotes),
        "crossed": crossed_json(book.crossed()),
        "venues": {
            m.key: rows.book_json(m.key, m.book) for m in members if m.included and m.book is not None
        },
        "metrics": metrics or {},
    }


def push_message(payload: dict, *, depth: int) -> dict:
    """The channel-layer message: the payload without the venue books, cut to `depth` levels a side."""
    cut = {k: v for k, v in payload.items() if k != "venues"}
    cut["consolidated"] = {side: levels[:depth] for side, levels in payload["consolidated"].items()}
    return {"type": "book.update", "payload": cut}


def group_name(pair: str) -> str:
    return f"book.{pair}"


# ---- publisher ---------------------------------------------------------------------------------
class LivePublisher:
    """Publishes each changed pair at most `hz` times a second; a membership change goes out at once.

    `metrics`: an object with `compute(pair, book, now) -> dict` (analytics.live.LiveMetrics) or None.
    """

    def __init__(
        self,
        books: ConsolidatedBooks,
        *,
        layer=None,
        store: MemoryLiveStore | RedisLiveStore | None = None,
        metrics=None,
        hz: float | None = None,
        depth: int | None = None,
    ) -> None:
        self.books = books
        self.layer = layer
        self.store = store if store is not None else live_store()
        self.metrics = metrics
        self.hz = float(hz if hz is not None else settings.MARKETAGG["PUBLISH_HZ"])
        if not self.hz > 0:
            raise ValueError(f"PUBLISH_HZ must be positive, not {self.hz}")
        self.depth = int(depth if depth is not None else settings.MARKETAGG["PUBLISH_DEPTH"])
        self.published = 0  # payloads put in the store
        self.failures = 0
        self.lane_failures = 0  # fast-lane publishes that failed (the group copy still went)
        self._dirty: set[str] = set()
        self._urgent: set[str] = set()
        self._membership_seen: dict[str, int] = {}
        self._last: dict[str, float] = {}
        self._wake = asyncio.Event()
        self._settled: set[str] = set()  # dirty pairs whose diffs were applied ahead of publication
        self._rows = VenueRows()
        self._lane = None  # the relays' pub/sub lane when the layer is Redis (see run)
        books.add_listener(self.changed)

    def changed(self, pair: str, book: ConsolidatedBook, now: float) -> None:
        """The consolidated-book listener: O(1), on the event loop. Wakes the publisher only when
        the pair becomes due for publication (a pair already waiting keeps its time)."""
        urgent = book.membership_version != self._membership_seen.get(pair)
        if urgent:
            self._urgent.add(pair)
        if urgent or pair not in self._dirty:
            self._dirty.add(pair)
            self._wake.set()

    async def run(self) -> None:
        self._lane = fast_lane(self.layer)
        try:
            await self._run()
        finally:
            lane, self._lane = self._lane, None
            if lane is not None:
                await lane.close()

    async def _run(self) -> None:
        interval = 1.0 / self.hz
        # A little before a pair's publication, its book applies the diffs noted since the last
        # one (ConsolidatedBook.settle), so that the publication, when it comes, finds little
        # left to apply: a browser waits for the publication's work, not for a batch of diffs.
        lead = min(PRESETTLE_LEAD, interval / 4)
        loop = asyncio.get_running_loop()
        while True:
            # Cleared before the pairs are looked at: a pair that turns dirty meanwhile wakes the
            # wait below at once (its later changes no longer wake anything).
            self._wake.clear()
            timeout = None
            now = loop.time()
            for pair in sorted(self._dirty):
                due = self._last.get(pair, float("-inf")) + interval
                if pair in self._urgent or now >= due:
                    await self.publish(pair)
                    self._last[pair] = loop.time()
                    continue
                wait = due - now
                if wait > lead:
                    wait -= lead  # wake early to settle
                elif pair not in self._settled:
                    self._settled.add(pair)
                    book = self.books.books.get(pair)
                    if book is not None:
                        book.settle()
                timeout = wait if timeout is None else min(timeout, wait)
            if self._dirty and timeout is None:
                continue  # changes arrived while publishing
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except TimeoutError:
                pass

    async def publish(self, pair: str) -> None:
        """Build the pair's payload now (on the loop, where the book is consistent), store and send it."""
        book = self.books.books.get(pair)
        self._dirty.discard(pair)
        self._settled.discard(pair)
        self._urgent.discard(pair)
        if book is None:
            return
        self._membership_seen[pair] = book.membership_version
        try:
            payload = build_payload(book=book, metrics=self._metrics(pair, book), rows=self._rows)
            # Browsers first: the live store's copy (venue books included) is for the API's reads.
            if self.layer is not None:
                message = push_message(payload, depth=self.depth)
                if self._lane is not None:  # the relays' fast lane: one round trip
                    try:
                        await self._lane.publish(pair, message)
                    except Exception as exc:  # an extra, faster copy: the group's still goes out
                        self.lane_failures += 1
                        if self.lane_failures <= 10 or self.lane_failures % 1000 == 0:
                            log.warning("live fast-lane publish failed", pair=pair, error=repr(exc))
                await self.layer.group_send(group_name(pair), message)
            if self.store.blocking:
                await asyncio.to_thread(self.store.put, pair, payload)
            else:
                self.store.put(pair, payload)
            self.published += 1
        except Exception:
            self.failures += 1
            log.exception("live publish failed", pair=pair)

    def _metrics(self, pair: str, book: ConsolidatedBook) -> dict:
        if self.metrics is None:
            return {}
        try:
            return self.metrics.compute(pair, book, book.updated_at)
        except Exception:  # one failing metric must not stop the book from being published
            log.exception("live metrics failed", pair=pair)
            return {"error": "metrics failed; see the feed process log"}


def load_live_metrics(*, store_bars: bool | None = None):
    """analytics.live.LiveMetrics built from the database's metric configs, or None if that fails
    (the books are then published without metrics, and the log says why).

    Runs in a thread (database reads). `store_bars=False` (runfeeds --no-store) keeps metric bars
    in memory only; None follows the settings.
    """
    from analytics.live import LiveMetrics

    try:
        return LiveMetrics.from_database(store_bars=store_bars)
    except Exception:
        log.exception("live metrics could not be built; publishing books without them")
        return None
