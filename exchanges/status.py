"""The feed's state, told three ways: a channel-layer group (live pages), FeedState rows
(/api/status, the admin) and one log line per venue every few seconds."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import transaction

from exchanges.models import FeedState
from exchanges.types import StateEvent
from marketagg.logging import get_logger

log = get_logger("exchanges.status")

# A symbol the venue refuses: the connector says so once, with the venue's message as the reason.
INVALID = "invalid"
OUTBOX_MAX = 10_000  # state changes waiting for the channel layer


def feed_states_save(*, rows: list[dict], gone: Iterable[str] = ()) -> None:
    """Upsert the latest state of each connection and instrument; delete the rows of `gone` keys
    (what this process no longer streams: disabled, deleted, its venue switched off)."""
    now = datetime.now(UTC)
    with transaction.atomic():
        for row in rows:
            FeedState.objects.update_or_create(
                key=row["key"],
                defaults={
                    "venue": row["venue"],
                    "symbol": row.get("symbol", ""),
                    "state": row["state"],
                    "reason": row.get("reason", "")[:500],
                    "counters": row.get("counters", {}),
                    "updated_at": now,
                },
            )
        gone = list(gone)
        if gone:
            FeedState.objects.filter(key__in=gone).delete()


def feed_states_clear(*, keys: list[str] | None = None) -> None:
    """Forget what an earlier feed process reported. A shard forgets only its own instruments
    (`keys`): the other shards' rows are theirs and still true."""
    rows = FeedState.objects.all() if keys is None else FeedState.objects.filter(key__in=keys)
    rows.delete()


class StatusBoard:
    """A FeedSink for state changes, plus the periodic status work of the feed process."""

    def __init__(self, *, layer=None, group: str | None = None) -> None:
        self.layer = layer
        self.group = group or settings.MARKETAGG["STATUS_GROUP"]
        self.events: list[StateEvent] = []
        # State changes go out one at a time, in order, from one task: a task per change raced for
        # the channel layer's connections (MaxConnectionsError with 200 instruments starting).
        self._outbox: deque[dict] = deque()
        self._sender: asyncio.Task | None = None
        self.dropped = 0  # changes not published: the outbox was full (the layer far behind)
        self._last_counts: dict[str, tuple[float, int]] = {}
        self._last_event: dict[str, StateEvent] = {}  # key -> the last state event: its reason
        self._saved: set[str] = set()  # keys this process has rows for (another shard owns the rest)

    # FeedSink
    def book_changed(self, spec, book, *, ts, bids, asks, snapshot) -> None:
        pass

    def trade(self, spec, trade) -> None:
        pass

    def state_changed(self, event: StateEvent) -> None:
        key = f"{event.venue}:{event.symbol}" if event.symbol else event.venue
        before = self._last_event.get(key)
        if before is not None and before.state == event.state and event.reason in ("", "handover"):
            # A handover repeats the state to the sinks: the reason it was in that state still holds.
            event = replace(event, reason=before.reason)
        self._last_event[key] = event
        if self.layer is None:
            return
        message = {
            "type": "feed.state",
            "venue": event.venue,
            "symbol": event.symbol,
            "state": event.state,
            "ts": event.ts,
            "reason": event.reason,
        }
        if len(self._outbox) >= OUTBOX_MAX:
            self._outbox.popleft()  # the oldest goes: the page's one-second picture repeats it anyway
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning("status changes dropped: the channel layer is far behind", dropped=self.dropped)
        self._outbox.append(message)
        if self._sender is None or self._sender.done():
            self._sender = asyncio.get_running_loop().create_task(self._send_all())

    async def _send_all(self) -> None:
        outbox = self._outbox
        while outbox:
            message = outbox.popleft()
            try:
                await self.layer.group_send(self.group, message)
            except Exception as exc:  # a full or absent channel layer must not touch the feeds
                log.warning("status publish failed", error=repr(exc))

    # periodic work
    def rows(self, supervisor) -> list[dict]:
        """One row per venue and instrument that the running connectors stream: what is applied,
        not what was asked (a disabled instrument goes when its connector is replaced)."""
        stats = supervisor.stats()["venues"]
        rows = [
            {"key": venue, "venue": venue, "state": counters["state"], "counters": _plain(counters)}
            for venue, counters in stats.items()
        ]
        for connector in supervisor.connectors.values():
            for feed in connector.feeds():
                rows.append(
                    {
                        "key": feed.spec.key,
                        "venue": feed.spec.venue,
                        "symbol": feed.spec.symbol,
                        "state": feed.book.state.value,
                        "counters": _plain(
                            {
                                **feed.counters(),
                                "best_bid": str(feed.book.best_bid())
                                if feed.book.best_bid() is not None
                                else None,
                                "best_ask": str(feed.book.best_ask())
                                if feed.book.best_ask() is not None
                                else None,
                                "age": round(time.monotonic() - feed.last_change, 3),
                            }
                        ),
                    }
                )
        seen = {row["key"] for row in rows}
        wanted = {spec.key: spec for spec in supervisor.specs}
        for key, event in self._last_event.items():
            # A symbol the venue refused may have no feed any more: it stays listed as invalid.
            if event.state == INVALID and key not in seen and key in wanted:
                rows.append({"key": key, "venue": event.venue, "symbol": event.symbol, "state": INVALID})
        for row in rows:
            event = self._last_event.get(row["key"])
            if event is not None and event.state == INVALID:
                row["state"] = INVALID
            row["reason"] = event.reason if event is not None and event.state == row["state"] else ""
        return rows

    async def save(self, supervisor) -> None:
        """Write this process's rows and drop those of what it stopped streaming, with its state.
        The rows are read on the event loop (the connectors change there); the writes go to a thread."""
        rows = self.rows(supervisor)
        keys = {row["key"] for row in rows}
        gone = self._saved - keys
        # database_sync_to_async: the pool thread's connection is closed after the write (as a
        # request's would be), not left open in a thread nothing else closes.
        await database_sync_to_async(feed_states_save, thread_sensitive=False)(rows=rows, gone=gone)
        self._saved = keys
        wanted = {spec.key for spec in supervisor.specs} | {spec.venue for spec in supervisor.specs}
        for key in set(self._last_event) - keys - wanted:
            del self._last_event[key]

    def log_lines(self, supervisor) -> None:
        now = time.monotonic()
        for venue, counters in supervisor.stats()["venues"].items():
            then, before = self._last_counts.get(venue, (now, counters["messages"]))
            rate = (counters["messages"] - before) / (now - then) if now > then else 0.0
            self._last_counts[venue] = (now, counters["messages"])
            log.info(
                "venue status",
                venue=venue,
                state=counters["state"],
                books=f"{counters['books_live']}/{counters['books']}",
                msgs_per_s=round(rate, 1),
                resyncs=counters["resyncs"],
                gaps=counters["gaps"],
                malformed=counters["malformed"],
                reconnects=counters["reconnects"],
            )

    async def run(self, supervisor, *, save_every: float = 2.0, log_every: float | None = None) -> None:
        log_every = log_every or settings.MARKETAGG["STATUS_LOG_INTERVAL"]
        next_log = time.monotonic() + log_every
        while True:
            await asyncio.sleep(save_every)
            with contextlib.suppress(Exception):
                await self.save(supervisor)
            if time.monotonic() >= next_log:
                next_log += log_every
                self.log_lines(supervisor)


def _plain(d: dict) -> dict:
    return {k: v for k, v in d.items() if isinstance(v, str | int | float | list | type(None))}
