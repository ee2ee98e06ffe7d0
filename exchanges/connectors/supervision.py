"""Connection supervision: one healthy session per group, for as long as the connector runs.

Reconnects with backoff, planned handovers to a synced standby, promotion of a standby, and the
watchdog that resubscribes stale books, cuts silent sockets and renews old ones. A mixin of
Connector: it uses the connector's options, groups, stats and sink, and its frame services
(set_state, emit_state, resync, resubscribe, _spawn).
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import websockets

from books.orderbook import BookState
from exchanges.backoff import Backoff
from exchanges.connectors.feeds import FeedOptions, Group, VenueStats
from exchanges.connectors.session import Session
from exchanges.types import FeedSink
from marketagg.logging import get_logger

log = get_logger("exchanges.connectors")


class ConnectionSupervision:
    """Keeps each group connected: reconnect, handover, promote, watchdog."""

    venue: str
    options: FeedOptions
    groups: list[Group]
    stats: VenueStats
    sink: FeedSink
    stopping: bool
    initial_muted: bool

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
