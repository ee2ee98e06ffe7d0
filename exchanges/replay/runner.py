"""The replay run: serve a capture locally, run the real FeedSupervisor on it, wait for the books.

When is a replay over? The server knows when every recorded frame has gone out ("exhausted").
The client may still be working then: reading frames off its socket buffer, fetching a
snapshot after a gap. The books are settled once, after exhaustion, the supervisor is not
busy (no snapshot or RPC in flight, no resync about to retry) and it has received nothing for
QUIET_AFTER seconds. Caps keep a stuck client from hanging the command.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from books.orderbook import VenueBook
from exchanges.booksfile import books_document
from exchanges.capture import CaptureLine
from exchanges.replay.discovery import discover_specs
from exchanges.replay.server import ReplayServer
from exchanges.types import FanoutSink, FeedSink, InstrumentSpec

QUIET_AFTER = 0.5  # seconds without a frame or REST answer, after exhaustion, while not busy
STUCK_AFTER = 3.0  # busy, yet nothing received for this long: a retry is sitting in its backoff
SETTLE_CAP = 30.0  # seconds after exhaustion: stop waiting whatever the client does
IDLE_CAP = 20.0  # before exhaustion: nothing sent and nothing received for this long
POLL = 0.05


class ReplayError(Exception):
    """The replay could not run (the feed supervisor failed, nothing to replay)."""


@dataclass
class SettleWatch:
    """Decides, from what the server and the supervisor report, whether the replay is over."""

    exhausted_at: float | None = None
    progress_at: float = field(default_factory=time.monotonic)
    last_sent: int = -1

    def check(
        self,
        *,
        now: float,
        exhausted: bool,
        busy: bool,
        last_activity: float,
        sent: int,
        pacing: bool = False,
    ) -> str | None:
        """None while the replay goes on; else why it ended: settled, stuck, capped, idle.

        `pacing`: the server is holding a frame for its recorded time, which is not idleness.
        """
        if sent != self.last_sent or pacing:
            self.last_sent = sent
            self.progress_at = now
        quiet = now - max(last_activity, self.progress_at)
        if not exhausted:
            return "idle" if quiet >= IDLE_CAP else None
        if self.exhausted_at is None:
            self.exhausted_at = now
        quiet = now - max(last_activity, self.exhausted_at)
        if not busy and quiet >= QUIET_AFTER:
            return "settled"
        if quiet >= STUCK_AFTER:
            return "stuck"
        if now - self.exhausted_at >= SETTLE_CAP:
            return "capped"
        return None


@dataclass
class ReplayResult:
    books: dict[str, dict]  # the books file (LIVE books only): "venue:SYMBOL" -> {"bids", "asks"}
    consolidated: dict[str, dict]  # "consolidated:<PAIR>" -> {"bids": [[p, q, {key: q}]], "asks"}
    venue_books: dict[str, VenueBook]  # every book the supervisor held at the end
    stats: dict  # FeedSupervisor.stats()
    frames: dict[str, tuple[int, int]]  # venue -> (frames served, frames recorded)
    specs: list[InstrumentSpec]
    outcome: str
    elapsed: float


Progress = Callable[[ReplayServer, object], None]


async def run_replay(
    lines: list[CaptureLine],
    *,
    speed: float | None = None,
    specs: list[InstrumentSpec] | None = None,
    sink: FeedSink | None = None,
    progress: Progress | None = None,
    progress_every: float = 0.2,
) -> ReplayResult:
    from books.consolidated import ConsolidatedBooks
    from exchanges.feedsettings import feed_options_from_settings
    from exchanges.supervisor import FeedSupervisor

    specs = discover_specs(lines) if specs is None else specs
    if not specs:
        raise ReplayError(
            "the capture names no instrument with a book (no depth streams, channels or frames)"
        )
    started = time.monotonic()
    # The consolidated books ride along with whatever sink the caller gave (the tick recorder),
    # when some instrument joins one (a capture without instrument lists has none to build).
    consolidated = ConsolidatedBooks(specs)
    sink = FanoutSink(consolidated if consolidated.books else None, sink)
    server = ReplayServer(lines, speed=speed)
    await server.start()
    try:
        # No watchdog (a replay has silences a live feed would not) and no 24 h renewals.
        options = feed_options_from_settings(watchdog=False, planned_reconnect=False, tap=None)
        supervisor = FeedSupervisor(specs=specs, endpoints=server.endpoints(), sink=sink, options=options)
        task = asyncio.get_running_loop().create_task(supervisor.run(), name="replay-supervisor")
        try:
            outcome = await _wait(server, supervisor, task, progress, progress_every)
            venue_books = supervisor.books()
            books = books_document(venue_books)
            consolidated_books = consolidated.document()
            stats = supervisor.stats()
        finally:
            await supervisor.stop()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, 10)
    finally:
        await server.stop()
    return ReplayResult(
        books=books,
        consolidated=consolidated_books,
        venue_books=venue_books,
        stats=stats,
        frames=server.frames(),
        specs=specs,
        outcome=outcome,
        elapsed=time.monotonic() - started,
    )


async def _wait(server: ReplayServer, supervisor, task: asyncio.Task, progress, progress_every: float) -> str:
    watch = SettleWatch()
    shown = 0.0
    while True:
        if task.done():
            error = None if task.cancelled() else task.exception()
            raise ReplayError(f"the feed supervisor stopped: {error!r}")
        now = time.monotonic()
        outcome = watch.check(
            now=now,
            exhausted=server.exhausted,
            busy=supervisor.busy(),
            last_activity=supervisor.last_activity,
            sent=server.frames_sent,
            pacing=server.pacing,
        )
        if progress is not None and (outcome is not None or now - shown >= progress_every):
            shown = now
            progress(server, supervisor)
        if outcome is not None:
            return outcome
        await asyncio.sleep(POLL)
