"""The feed supervisor: one connector per venue, every book in memory, changes applied live.

It is the heart of `runfeeds`, `serve`, `record` and `replay`. Control messages (enable or
disable an instrument, resync a book, reconnect a venue) are applied without a restart; a
changed instrument set is taken over by a new connector that syncs before the old one stops,
so the other books never go dark.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict

import aiohttp

from books.orderbook import BookState, VenueBook
from exchanges.connectors import CONNECTORS, Connector, FeedOptions
from exchanges.quarantine import Quarantine
from exchanges.ratelimit import HostLimits
from exchanges.types import Endpoints, FeedSink, InstrumentSpec, NullSink
from exchanges.venues import VENUES
from marketagg.logging import get_logger

log = get_logger("exchanges.supervisor")

__all__ = ["FeedOptions", "FeedSupervisor"]


class FeedSupervisor:
    def __init__(
        self,
        *,
        specs: list[InstrumentSpec],
        endpoints: dict[str, Endpoints] | None = None,
        sink: FeedSink | None = None,
        options: FeedOptions | None = None,
    ) -> None:
        self.specs = list(specs)
        self.endpoints = dict(endpoints or {})
        self.sink = sink or NullSink()
        self.options = options or FeedOptions()
        self.quarantine = Quarantine(size=self.options.quarantine_size)
        self.limits = HostLimits()
        self.connectors: dict[str, Connector] = {}
        self.retired: dict[str, dict] = defaultdict(dict)  # counters of connectors replaced at runtime
        self.started_at = time.time()
        self._http: aiohttp.ClientSession | None = None
        self._tasks: dict[str, asyncio.Task] = {}
        self._stopped = asyncio.Event()
        self._lock = asyncio.Lock()

    # ---- life ----------------------------------------------------------------------------
    async def run(self) -> None:
        """Run until `stop()`; every venue's connector in its own task."""
        async with aiohttp.ClientSession() as http:
            self._http = http
            for venue, specs in self._by_venue(self.specs).items():
                self._start(venue, specs)
            await self._stopped.wait()
            await self._shutdown()

    async def stop(self) -> None:
        self._stopped.set()

    async def _shutdown(self) -> None:
        # Every venue at once: the stop promise is one close timeout, not one per venue.
        await asyncio.gather(*(c.stop() for c in list(self.connectors.values())), return_exceptions=True)
        for task in list(self._tasks.values()):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    def _by_venue(self, specs: list[InstrumentSpec]) -> dict[str, list[InstrumentSpec]]:
        out: dict[str, list[InstrumentSpec]] = defaultdict(list)
        for spec in specs:
            out[spec.venue].append(spec)
        return dict(out)

    def _make(self, venue: str, specs: list[InstrumentSpec]) -> Connector:
        cls = CONNECTORS[VENUES[venue].family]
        return cls(
            venue=venue,
            specs=specs,
            endpoints=self.endpoints.get(venue) or Endpoints.default(venue),
            sink=self.sink,
            options=self.options,
            http=self._http,
            limits=self.limits,
            quarantine=self.quarantine,
        )

    def _start(self, venue: str, specs: list[InstrumentSpec], *, muted: bool = False) -> Connector:
        connector = self._make(venue, specs)
        connector.initial_muted = muted
        self.connectors[venue] = connector
        self._tasks[venue] = asyncio.get_running_loop().create_task(connector.run(), name=f"feeds-{venue}")
        return connector

    # ---- what the rest of the system reads -----------------------------------------------------
    def books(self) -> dict[str, VenueBook]:
        out: dict[str, VenueBook] = {}
        for connector in self.connectors.values():
            out.update(connector.books())
        return out

    def stats(self) -> dict:
        venues = {}
        for venue, connector in self.connectors.items():
            counters = connector.stats.as_dict()
            for key, value in self.retired.get(venue, {}).items():
                counters[key] = counters.get(key, 0) + value
            books = connector.books().values()
            counters["books_live"] = sum(1 for b in books if b.state is BookState.LIVE)
            counters["books"] = len(books)
            counters["state"] = _venue_state(books)
            venues[venue] = counters
        return {"venues": venues, "quarantined": len(self.quarantine.frames)}

    def busy(self) -> bool:
        return any(c.busy() for c in self.connectors.values())

    @property
    def last_activity(self) -> float:
        """Monotonic time of the last frame or REST answer anywhere."""
        latest = 0.0
        for connector in self.connectors.values():
            latest = max(latest, connector.last_activity)
            for group in connector.groups:
                for session in (group.active, group.standby):
                    if session is not None:
                        latest = max(latest, session.last_frame)
        return latest

    # ---- control ---------------------------------------------------------------------------------
    async def apply_control(self, message: dict, *, specs: list[InstrumentSpec] | None = None) -> str:
        """Apply one control message; returns what was done, for the log.

        enable/disable/reload take the new instrument list (`specs`, read by the caller from the
        database); resync rebuilds one book; reconnect renews a venue's connections.
        """
        action = message.get("action")
        venue = message.get("venue", "")
        symbol = message.get("symbol", "")
        if action in ("enable", "disable", "reload"):
            if specs is None:
                return "ignored: no instrument list given"
            await self.replace_specs(specs)
            return f"{action} {venue}:{symbol} applied"
        connector = self.connectors.get(venue)
        if connector is None:
            return f"ignored: venue {venue!r} is not running"
        if action == "resync":
            for feed in connector.feeds():
                if not symbol or feed.spec.symbol == symbol:
                    connector.resync(feed, reason="requested")
            return f"resync {venue}:{symbol or '*'}"
        if action == "reconnect":
            for group in connector.groups:
                connector._spawn(connector.handover(group, reason="requested"))
            return f"reconnect {venue}"
        return f"ignored: unknown action {action!r}"

    async def replace_specs(self, specs: list[InstrumentSpec]) -> None:
        """Take a new instrument list: changed venues get a new connector that syncs, then takes over."""
        async with self._lock:
            old = self._by_venue(self.specs)
            new = self._by_venue(specs)
            self.specs = list(specs)
            for venue in set(old) | set(new):
                if sorted(map(repr, old.get(venue, []))) == sorted(map(repr, new.get(venue, []))):
                    continue
                await self._swap(venue, new.get(venue, []))

    async def _swap(self, venue: str, specs: list[InstrumentSpec]) -> None:
        previous = self.connectors.get(venue)
        previous_task = self._tasks.get(venue)
        if not specs:
            if previous is not None:
                self._retire(venue, previous)
                del self.connectors[venue]
                await previous.stop()
                self._tasks.pop(venue, None)
            return
        if previous is None:
            self._start(venue, specs)
            return
        successor = self._make(venue, specs)
        successor.initial_muted = True
        task = asyncio.get_running_loop().create_task(successor.run(), name=f"feeds-{venue}")
        deadline = time.monotonic() + self.options.handover_timeout
        # Only books that are live now have something to lose: a book that never synced (a symbol
        # the venue refuses) would hold every change of its venue for the whole handover timeout.
        kept = {f.spec.symbol for f in previous.feeds() if f.live}
        while time.monotonic() < deadline and not task.done():
            feeds = successor.feeds()
            # Books the old connector had must be live again before it goes; new ones may take longer.
            if feeds and all(f.live for f in feeds if f.spec.symbol in kept):
                break
            await asyncio.sleep(0.05)
        successor.unmute_all()
        self._retire(venue, previous)
        self.connectors[venue] = successor
        self._tasks[venue] = task
        await previous.stop()
        if previous_task is not None:
            previous_task.cancel()
        log.info("instrument set changed", venue=venue, symbols=[s.symbol for s in specs])

    def _retire(self, venue: str, connector: Connector) -> None:
        for key, value in connector.stats.as_dict().items():
            if isinstance(value, int):
                self.retired[venue][key] = self.retired[venue].get(key, 0) + value


def _venue_state(books) -> str:
    states = {b.state for b in books}
    if not states:
        return "idle"
    states.discard(BookState.INVALID)  # a refused symbol is told on its own book, not as its venue's state
    if not states:
        return "invalid"
    if states == {BookState.LIVE}:
        return "live"
    for state in (
        BookState.BACKOFF,
        BookState.CONNECTING,
        BookState.RESYNCING,
        BookState.SYNCING,
        BookState.STALE,
    ):
        if state in states:
            return state.value
    return "live"
