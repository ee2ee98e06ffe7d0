"""What every venue connector shares: connection life, handover, watchdog, counters.

A venue module (binance.py, deribit.py) says only what differs: how instruments group into
connections, what to send on open, how to read a frame, how to resync one instrument.

Words used here:
- Feed: one instrument on one session, with its VenueBook and sync state.
- Session: one WebSocket connection and the feeds it carries.
- Group: a fixed set of streams that always travel together; it has one active session at a
  time, and during a planned reconnect a standby session that syncs before it takes over.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
import msgspec
import websockets
import websockets.asyncio.client
from websockets.frames import Opcode

from books.numbers import decode_json
from books.orderbook import BookState, VenueBook
from exchanges.backoff import Backoff
from exchanges.quarantine import Quarantine
from exchanges.ratelimit import HostLimits
from exchanges.types import Endpoints, FeedSink, InstrumentSpec, StateEvent
from exchanges.venues import VENUES
from marketagg.logging import get_logger

log = get_logger("exchanges.connectors")

Tap = Callable[[str, str, "str | None", float], None]
# The states a stale book passes through while it is asked for again: all of them are told as stale.
_STILL_STALE = frozenset((BookState.CONNECTING, BookState.SYNCING, BookState.RESYNCING, BookState.LIVE))
_PING = Opcode.PING
_PONG = Opcode.PONG


@dataclass
class FeedOptions:
    watchdog: bool = True  # mark silent books stale and resubscribe them; reconnect silent sockets
    planned_reconnect: bool = True  # renew connections before the venue's 24 h limit
    tap: Tap | None = None  # sees every open, sent frame, received frame and REST body (record)
    backoff_base: float = 0.5
    backoff_cap: float = 60.0
    healthy_after: float = 60.0
    max_streams_per_connection: int = 200
    connection_max_age: float = 23.5 * 3600
    silence_timeout: float = 30.0  # no frame at all for this long: the socket is dead
    sync_timeout: float = 30.0  # a book not live this long after (re)subscribing is resynced
    handover_timeout: float = 30.0
    watchdog_interval: float = 0.5
    snapshot_attempts: int = 5  # snapshots older than the stream, fetched in a row, before backing off
    sync_buffer: int = 50_000  # events kept per instrument while its snapshot is on the way
    open_timeout: float = 10.0
    rest_timeout: float = 10.0
    quarantine_size: int = 1000
    heartbeat_interval: int = 10  # Deribit public/set_heartbeat (seconds, venue minimum 10)


@dataclass
class VenueStats:
    messages: int = 0
    malformed: int = 0
    unknown: int = 0
    gaps: int = 0
    resyncs: int = 0
    reconnects: int = 0
    trades: int = 0
    snapshots_fetched: int = 0
    rest_errors: int = 0
    rpc_errors: int = 0  # requests on the socket the venue answered with an error (subscribe...)
    last_message_at: float = 0.0
    state: str = BookState.CONNECTING.value

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class Feed:
    """One instrument on one session: its book, sync state and counters."""

    __slots__ = (
        "spec",
        "book",
        "session",
        "buffer",
        "messages",
        "resyncs",
        "gaps",
        "last_change",
        "stale_at",
        "state_since",
        "sync_task",
        "sync_token",
        "extra",
    )

    def __init__(self, spec: InstrumentSpec, session: Session) -> None:
        self.spec = spec
        self.book = VenueBook(venue=spec.venue, symbol=spec.symbol, depth=spec.depth)
        self.session = session
        self.buffer: collections.deque = collections.deque()
        self.messages = 0
        self.resyncs = 0
        self.gaps = 0
        self.last_change = time.monotonic()
        # While the book is stale: the sequence it had when it went quiet (None: not stale).
        self.stale_at: int | None = None
        self.state_since = time.monotonic()
        self.sync_task: asyncio.Task | None = None
        self.sync_token = 0  # bumped at every resync so a late snapshot of an old attempt is ignored
        self.extra: dict = {}

    @property
    def state(self) -> BookState:
        return self.book.state

    @property
    def live(self) -> bool:
        return self.book.state is BookState.LIVE

    def counters(self) -> dict:
        return {
            "messages": self.messages,
            "resyncs": self.resyncs,
            "gaps": self.gaps,
            "sequence": self.book.sequence,
            "levels": [len(self.book.bids), len(self.book.asks)],
        }


@dataclass
class Group:
    """Streams that travel together on one connection."""

    name: str
    url: str
    specs: list[InstrumentSpec]
    books: bool = True  # False: a trades-only connection
    active: Session | None = None
    standby: Session | None = None
    backoff: Backoff | None = None
    extra: dict = field(default_factory=dict)


class LiveConnection(websockets.asyncio.client.ClientConnection):
    """A client connection that notes when a ping or pong arrives: a quiet stream whose peer
    answers pings is alive (data frames are noted by the read loop itself)."""

    last_control = 0.0

    def process_event(self, event) -> None:
        # The handshake's Response comes through here too, before any frame (it has no opcode).
        opcode = getattr(event, "opcode", None)
        if opcode is _PING or opcode is _PONG:
            self.last_control = time.monotonic()
        super().process_event(event)


class Session:
    """One WebSocket connection. `muted` sessions sync silently until they take over."""

    def __init__(self, connector: Connector, group: Group, *, muted: bool) -> None:
        self.connector = connector
        self.group = group
        self.muted = muted
        self.ws = None
        self.opened_at = 0.0
        self.last_frame = time.monotonic()
        self.closing = False
        self.ended = False  # the read loop is over (closed by either side, or never opened)
        self.close_reason = ""
        self.feeds: dict[str, Feed] = {s.symbol: Feed(s, self) for s in group.specs} if group.books else {}
        self.pending: dict[int, asyncio.Future] = {}  # JSON-RPC calls awaiting an answer
        self.next_id = 1
        self.task: asyncio.Task | None = None
        self.extra: dict = {}

    @property
    def alive(self) -> bool:
        return self.task is not None and not self.task.done() and not self.closing and not self.ended

    @property
    def last_life(self) -> float:
        """Monotonic time of the last sign of life: a frame, or a ping or pong on the socket."""
        ws = self.ws
        control = ws.last_control if ws is not None else 0.0
        return control if control > self.last_frame else self.last_frame

    async def run(self) -> None:
        try:
            await self._run()
        finally:
            # Whatever ended the socket, nothing that was asked on it may land afterwards: a
            # snapshot or answer for a dead session would make a book live with no stream.
            self.ended = True
            self._drop_work()

    def _drop_work(self) -> None:
        for fut in self.pending.values():
            if not fut.done():
                fut.cancel()
        for feed in self.feeds.values():
            if feed.sync_task is not None:
                feed.sync_task.cancel()

    async def _run(self) -> None:
        c = self.connector
        await c.limits.connect_bucket(urlsplit(self.group.url).netloc).acquire()
        for feed in self.feeds.values():
            c.set_state(feed, BookState.CONNECTING)
        # Our pings come often enough that an answering peer is never taken for a silent one.
        ping_every = max(0.1, min(20.0, c.options.silence_timeout / 3))
        async with websockets.connect(
            self.group.url,
            open_timeout=c.options.open_timeout,
            max_size=None,
            ping_interval=ping_every,
            ping_timeout=max(ping_every, c.options.silence_timeout),
            close_timeout=2,
            compression=None,
            create_connection=LiveConnection,
        ) as ws:
            self.ws = ws
            self.opened_at = self.last_frame = time.monotonic()
            if self.group.backoff is not None:
                self.group.backoff.connected()
            c.connected(self.group)
            c.tap("open", self.group.url, None)
            for feed in self.feeds.values():
                c.set_state(feed, BookState.SYNCING)
            await c.on_open(self)
            handle = c.handle_frame
            tap = c.options.tap
            stats = c.stats
            async for raw in ws:
                self.last_frame = time.monotonic()
                stats.last_message_at = time.time()
                if tap is not None:
                    tap(
                        "ws",
                        self.group.url,
                        raw if isinstance(raw, str) else raw.decode("utf-8", "replace"),
                        time.time(),
                    )
                try:
                    handle(self, raw)
                except Exception as exc:  # a bug on one frame must not take the connection down
                    c.reject(kind="handler_error", reason=repr(exc), raw=raw)
                    log.exception("frame handler failed", venue=c.venue)
                if self.closing:
                    break

    async def send(self, payload: str) -> None:
        if self.ws is None:
            return
        self.connector.tap("sent", self.group.url, payload)
        await self.ws.send(payload)

    async def close(self, reason: str) -> None:
        self.closing = True
        self.close_reason = reason
        self._drop_work()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()


class Connector:
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

    # ---- life ----------------------------------------------------------------------------
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

    async def run(self) -> None:
        runners = [self._spawn(self.run_group(g)) for g in self.groups]
        if self.options.watchdog or self.options.planned_reconnect:
            runners.append(self._spawn(self.watchdog()))
        try:
            await asyncio.gather(*runners)
        finally:
            await self.stop()

    async def stop(self) -> None:
        self.stopping = True
        # All at once: a peer that never answers a close frame costs one close timeout, not one each.
        closing = [s.close("stopping") for g in self.groups for s in (g.active, g.standby) if s is not None]
        await asyncio.gather(*closing, return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task

    async def run_group(self, group: Group) -> None:
        """Keep one healthy session per group, for ever; a bug in one round is logged and the
        group starts again after a backoff delay, so one venue never dies silently."""
        while not self.stopping:
            try:
                await self._run_group(group)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "connection group failed; starting it again", venue=self.venue, group=group.name
                )
                await asyncio.sleep(group.backoff.next_delay() if group.backoff else 1.0)

    async def _backoff_sleep(self, group: Group, delay: float) -> None:
        """Wait out a reconnect delay; a reconnect asked for meanwhile ends the wait at once."""
        wake: asyncio.Event = group.extra.setdefault("wake", asyncio.Event())
        wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), delay)

    async def _run_group(self, group: Group) -> None:
        """Connect, read, back off, reconnect."""
        group.backoff = Backoff(
            base=self.options.backoff_base,
            cap=self.options.backoff_cap,
            healthy_after=self.options.healthy_after,
        )
        session: Session | None = None
        first = True
        while not self.stopping:
            if session is None:
                if not first:
                    delay = group.backoff.next_delay()
                    self.stats.state = BookState.BACKOFF.value
                    if group.active is not None:
                        for feed in group.active.feeds.values():
                            self.set_state(feed, BookState.BACKOFF, "reconnecting")
                    log.debug("reconnecting", venue=self.venue, group=group.name, in_seconds=round(delay, 2))
                    await self._backoff_sleep(group, delay)
                    if self.stopping:
                        return
                    self.stats.reconnects += 1
                first = False
                session = Session(self, group, muted=self.initial_muted)
                session.task = self._spawn(session.run(), session=True)
            group.active = session
            error = await self._wait_session(session)
            group.backoff.disconnected()
            if self.stopping:
                return
            successor = session.extra.get("successor")
            if successor is not None and successor.alive:
                session = successor  # a completed handover: carry on with the new connection
                continue
            if error is not None and not session.closing:
                self._log_disconnect(group, error)
            standby = group.standby
            if standby is not None and standby.alive:
                # The old connection went first (a shutdown notice, a cut): the standby takes over now.
                group.standby = None
                self.promote(group, standby)
                session = standby
                continue
            session = None

    async def _wait_session(self, session: Session) -> BaseException | None:
        try:
            await session.task
        except asyncio.CancelledError:
            if self.stopping:
                raise
            return None
        except Exception as exc:
            return exc
        return None

    def connected(self, group: Group) -> None:
        """A group's socket is open: say so once if it had been reported down."""
        if group.extra.pop("down_logged", False):
            log.info("connection restored", venue=self.venue, group=group.name)

    def _log_disconnect(self, group: Group, error: BaseException) -> None:
        # One line per change of state: said when the group goes down, not at every retry.
        if group.extra.get("down_logged"):
            return
        group.extra["down_logged"] = True
        if isinstance(error, OSError | asyncio.TimeoutError | websockets.exceptions.InvalidHandshake):
            log.warning(
                "cannot reach venue; retrying with backoff (offline? try `make demo`)",
                venue=self.venue,
                url=group.url,
                error=str(error) or type(error).__name__,
            )
        elif isinstance(error, websockets.exceptions.ConnectionClosed):
            log.info(
                "connection closed",
                venue=self.venue,
                group=group.name,
                code=getattr(error.rcvd, "code", None),
            )
        else:
            log.warning("connection failed", venue=self.venue, group=group.name, error=repr(error))

    def unmute_all(self) -> None:
        """This connector takes over from the one it replaces: its books go public."""
        self.initial_muted = False
        for group in self.groups:
            if group.active is not None and group.active.muted:
                self.promote(group, group.active, count=False)

    def promote(self, group: Group, session: Session, *, count: bool = True) -> None:
        """A standby session takes over: its books become the ones everybody sees."""
        session.muted = False
        group.active = session
        if count:
            self.stats.reconnects += 1
        for feed in session.feeds.values():
            # Always said, even when the new state equals the standby's own last one: the sinks
            # still show the old connection's state.
            # A refusal keeps the venue's message (set while muted, it was never told).
            invalid = feed.book.state is BookState.INVALID
            self.emit_state(feed, feed.extra.get("state_reason", "") if invalid else "handover")
            if feed.live:
                bids, asks = feed.book.top(len(feed.book.bids) + len(feed.book.asks))
                self.sink.book_changed(
                    feed.spec, feed.book, ts=feed.book.updated_at, bids=bids, asks=asks, snapshot=True
                )

    async def handover(self, group: Group, *, reason: str) -> None:
        """Open a new connection, sync it fully, then retire the old one: the books never go dark.

        The old connection stays until the new one is synced or the old one is gone. One group
        never has two public connections: while the group waits out a reconnect backoff there is
        nothing to hand over, so the wait ends instead and the group loop opens the one session."""
        old = group.active
        if group.standby is not None or old is None or self.stopping:
            return
        if not old.alive:
            wake = group.extra.get("wake")
            if wake is not None:
                wake.set()
            return
        log.info("planned reconnect", venue=self.venue, group=group.name, reason=reason)
        standby = Session(self, group, muted=True)
        group.standby = standby
        standby.task = self._spawn(standby.run(), session=True)
        deadline = time.monotonic() + self.options.handover_timeout
        synced = False
        while not standby.task.done() and old.alive:
            if group.standby is not standby:  # promoted early: the old session died first
                return
            if standby.ws is not None and all(f.live for f in standby.feeds.values()):
                synced = True
                break
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        if group.standby is not standby:
            return
        if not old.alive and standby.alive:
            group.standby = None
            self.promote(group, standby)  # the old one is gone: the new one, synced or not, is all there is
            return
        group.standby = None
        if not synced:
            why = (
                "connection failed"
                if standby.task.done()
                else f"not synced after {self.options.handover_timeout}s"
            )
            self._handover_failed(group, why)
            await standby.close("handover abandoned")
            return
        group.extra.pop("handover_backoff", None)
        self.promote(group, standby)
        old.closing = True  # the group loop sees a closing session and adopts the new one
        old.extra["successor"] = standby
        await old.close(reason)

    def _handover_failed(self, group: Group, why: str) -> None:
        """Keep the old connection; try again later, waiting longer after each failure."""
        backoff = group.extra.get("handover_backoff")
        if backoff is None:
            opts = self.options
            backoff = group.extra["handover_backoff"] = Backoff(
                base=max(opts.backoff_base, 0.05), cap=opts.backoff_cap
            )
        delay = backoff.next_delay()
        group.extra["handover_after"] = time.monotonic() + delay
        log.warning(
            "planned reconnect failed; keeping the old connection",
            venue=self.venue,
            group=group.name,
            reason=why,
            retry_in=round(delay, 2),
        )

    async def watchdog(self) -> None:
        """Once per interval: stale books resubscribed, dead sockets cut, old sockets renewed."""
        opts = self.options
        while not self.stopping:
            await asyncio.sleep(opts.watchdog_interval)
            now = time.monotonic()
            for group in self.groups:
                session = group.active
                if session is None or session.ws is None or not session.alive:
                    continue
                if (
                    opts.planned_reconnect
                    and now - session.opened_at > opts.connection_max_age
                    and group.standby is None
                    and now >= group.extra.get("handover_after", 0.0)
                ):
                    group.extra["handover_after"] = float("inf")  # one attempt at a time
                    self._spawn(self._planned_handover(group))
                if not opts.watchdog:
                    continue
                if now - session.last_life > opts.silence_timeout:
                    log.warning("no data on connection; reconnecting", venue=self.venue, group=group.name)
                    self._spawn(session.close("silent"))
                    continue
                for feed in session.feeds.values():
                    state = feed.book.state
                    if state is BookState.LIVE:
                        if now - feed.last_change > feed.spec.stale_after:
                            self.set_state(feed, BookState.STALE, f"no change for {feed.spec.stale_after}s")
                            feed.stale_at = feed.book.sequence
                            self.resubscribe(feed)
                    elif state is not BookState.INVALID and now - feed.state_since > opts.sync_timeout:
                        if feed.stale_at is not None:
                            self.resubscribe(feed)  # still quiet: ask for its stream again
                        else:
                            self.resync(feed, reason=f"not live after {opts.sync_timeout}s")

    async def _planned_handover(self, group: Group) -> None:
        try:
            await self.handover(group, reason="connection age limit")
        finally:
            if group.extra.get("handover_after") == float("inf"):
                group.extra["handover_after"] = 0.0
