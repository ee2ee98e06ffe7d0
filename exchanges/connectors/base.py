"""The venue connector's core: its hooks and the services a venue module calls per frame.

A venue module (binance.py, deribit.py) says only what differs: how instruments group into
connections, what to send on open, how to read a frame, how to resync one instrument. Here:
decoding and refusing frames, book states and changes told to the sinks, gaps and resyncs,
rate-limited REST, and the connector's tasks. Connection life lives beside it: the data in
feeds.py, one socket in session.py, reconnects, handovers and the watchdog in supervision.py.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import aiohttp
import msgspec

from books.numbers import decode_json
from books.orderbook import BookState, VenueBook
from exchanges.connectors.feeds import Feed, FeedOptions, Group, Tap, VenueStats
from exchanges.connectors.session import LiveConnection, Session
from exchanges.connectors.supervision import ConnectionSupervision
from exchanges.quarantine import Quarantine
from exchanges.ratelimit import HostLimits
from exchanges.types import Endpoints, FeedSink, InstrumentSpec, StateEvent
from exchanges.venues import VENUES
from marketagg.logging import get_logger

log = get_logger("exchanges.connectors")

# The states a stale book passes through while it is asked for again: all of them are told as stale.
_STILL_STALE = frozenset((BookState.CONNECTING, BookState.SYNCING, BookState.RESYNCING, BookState.LIVE))

__all__ = ["Connector", "Feed", "FeedOptions", "Group", "LiveConnection", "Session", "Tap", "VenueStats"]


class Connector(ConnectionSupervision):
    """Base of a venue connector. Subclasses set `family` and implement the hooks below."""

    family = ""

    def __init__(
        self,
        *,
        venue: str,
        specs: list[InstrumentSpec],
        endpoints: Endpoints,
        sink: FeedSink,
        options: FeedOptions,
        http: aiohttp.ClientSession,
        limits: HostLimits,
        quarantine: Quarantine,
    ) -> None:
        self.venue = venue
        self.specs = list(specs)
        self.endpoints = endpoints
        self.sink = sink
        self.options = options
        self.http = http
        self.limits = limits
        self.quarantine = quarantine
        self.stats = VenueStats()
        self.groups: list[Group] = self.plan_groups(self.specs)
        self.stopping = False
        self.initial_muted = False  # a connector taking over from another syncs silently first
        self.last_activity = time.monotonic()
        self._tasks: list[asyncio.Task] = []

    # ---- hooks -------------------------------------------------------------------------
    def plan_groups(self, specs: list[InstrumentSpec]) -> list[Group]:
        raise NotImplementedError

    async def on_open(self, session: Session) -> None:
        """Subscribe, set heartbeats: whatever the venue wants once the socket is open."""

    def handle_frame(self, session: Session, raw: str | bytes) -> None:
        raise NotImplementedError

    def resync(self, feed: Feed, *, reason: str) -> None:
        """Throw the book away and sync it again; the other instruments keep streaming."""
        raise NotImplementedError

    def resubscribe(self, feed: Feed) -> None:
        """A stale book: ask the venue for it again. Default: resync."""
        self.resync(feed, reason="stale")

    def handle_shutdown_notice(self, session: Session) -> None:
        """The venue said this connection will close soon: take over with a fresh one first."""
        self._spawn(self.handover(session.group, reason="server shutdown notice"))

    # ---- shared services for the venue modules -----------------------------------------
    def tap(self, kind: str, url: str, data: str | None) -> None:
        if self.options.tap is not None:
            self.options.tap(kind, url, data, time.time())

    def decode_frame(self, raw: str | bytes) -> dict | None:
        """One received frame as a JSON object (numbers exact), counted; None once refused."""
        try:
            msg = decode_json(raw)
        except msgspec.DecodeError as exc:
            self.reject(kind="invalid_json", reason=str(exc), raw=raw)
            return None
        if type(msg) is not dict:
            self.reject(kind="missing_field", reason="frame is not an object", raw=raw)
            return None
        self.stats.messages += 1
        return msg

    def reject(self, *, kind: str, reason: str, raw) -> None:
        if kind == "unknown_event":
            self.stats.unknown += 1
        elif kind == "rpc_error":
            self.stats.rpc_errors += 1
        else:
            self.stats.malformed += 1
        self.quarantine.add(venue=self.venue, kind=kind, reason=reason, raw=raw)

    def set_state(self, feed: Feed, state: BookState, reason: str = "") -> None:
        if feed.stale_at is not None and state in _STILL_STALE:
            # A quiet book stays stale through the resubscribes and snapshots that try to wake it:
            # the same still book loaded again is no news. It is live again once it changes (its
            # sequence moves); a connection lost (backoff) or a refusal (invalid) is said as such.
            if state is BookState.LIVE and feed.book.sequence != feed.stale_at:
                feed.stale_at = None
            else:
                state = BookState.STALE
        if feed.book.state is state:
            return
        feed.book.state = state
        feed.state_since = time.monotonic()
        feed.extra["state_reason"] = reason  # said again at promotion: a muted standby told nobody
        if not feed.session.muted:
            self.emit_state(feed, reason)

    def emit_state(self, feed: Feed, reason: str) -> None:
        """Tell the sinks the feed's state as it is now."""
        self.sink.state_changed(
            StateEvent(
                venue=self.venue,
                symbol=feed.spec.symbol,
                state=feed.book.state.value,
                ts=time.time(),
                counters=feed.counters(),
                reason=reason,
            )
        )

    def book_changed(self, feed: Feed, *, ts: float, bids, asks, snapshot: bool) -> None:
        if feed.stale_at is None:  # a stale book reloaded unchanged has not changed: its age runs on
            feed.last_change = time.monotonic()
        if not feed.session.muted:
            self.sink.book_changed(feed.spec, feed.book, ts=ts, bids=bids, asks=asks, snapshot=snapshot)

    def mark_gap(self, feed: Feed, reason: str) -> None:
        feed.gaps += 1
        self.stats.gaps += 1
        self.resync(feed, reason=reason)

    def begin_resync(self, feed: Feed, reason: str) -> int:
        """Common first steps of a resync; returns the token the new sync attempt must hold."""
        feed.resyncs += 1
        self.stats.resyncs += 1
        feed.sync_token += 1
        if feed.sync_task is not None and not feed.sync_task.done():
            feed.sync_task.cancel()
        feed.sync_task = None
        feed.buffer.clear()
        feed.book.clear()
        self.set_state(feed, BookState.RESYNCING, reason)
        feed.state_since = time.monotonic()  # each attempt gets its full sync_timeout
        log.info("resync", venue=self.venue, symbol=feed.spec.symbol, reason=reason)
        return feed.sync_token

    async def rest_get(self, url: str, *, weight: float = 1.0) -> tuple[int, bytes, dict]:
        """GET with the host's weight budget; 429/418 block the host for Retry-After seconds."""
        budget = VENUES[self.venue].rest_weight_per_min * 0.8
        bucket = self.limits.rest_bucket(urlsplit(url).netloc, weight_per_min=budget)
        await bucket.acquire(weight)
        timeout = aiohttp.ClientTimeout(total=self.options.rest_timeout)
        async with self.http.get(url, timeout=timeout) as resp:
            body = await resp.read()
            self.last_activity = time.monotonic()
            if resp.status in (418, 429):
                try:
                    retry = float(resp.headers.get("Retry-After", "5") or 5)
                except ValueError:  # an HTTP date: be careful, wait a minute
                    retry = 60.0
                bucket.block_for(retry)
                log.warning("rate limited by venue", venue=self.venue, status=resp.status, retry_after=retry)
            elif resp.status == 200:
                self.tap("http", url, body.decode("utf-8", "replace"))
            return resp.status, body, dict(resp.headers)

    def _spawn(self, coro, *, session: bool = False) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.append(task)
        task.add_done_callback(self._session_done if session else self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)
        if not task.cancelled() and task.exception() is not None and not self.stopping:
            log.error("connector task failed", venue=self.venue, error=repr(task.exception()))

    def _session_done(self, task: asyncio.Task) -> None:
        # A connection ending is ordinary: the group loop or the handover says so, once.
        if task in self._tasks:
            self._tasks.remove(task)
        if not task.cancelled():
            task.exception()  # retrieved, so asyncio does not log it again

    # ---- what the connector holds now (supervisor, status) ------------------------------
    def feeds(self) -> list[Feed]:
        return [f for g in self.groups if g.active is not None for f in g.active.feeds.values()]

    def books(self) -> dict[str, VenueBook]:
        out: dict[str, VenueBook] = {}
        for g in self.groups:
            session = g.active
            if session is None:
                continue
            for feed in session.feeds.values():
                out[feed.spec.key] = feed.book
        return out

    def busy(self) -> bool:
        for g in self.groups:
            for session in (g.active, g.standby):
                if session is None:
                    continue
                if any(not f.done() for f in session.pending.values()):
                    return True
                if any(f.sync_task is not None and not f.sync_task.done() for f in session.feeds.values()):
                    return True
        return False
