"""The feed's state, told three ways: a channel-layer group (live pages), FeedState rows
(/api/status, the admin) and one log line per venue every few seconds."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime

from asgiref.sync import sync_to_async
from django.conf import settings

from exchanges.models import FeedState
from exchanges.types import StateEvent
from marketagg.logging import get_logger

log = get_logger("exchanges.status")


def feed_states_save(*, rows: list[dict]) -> None:
    """Upsert the latest state of each connection and instrument."""
    now = datetime.now(UTC)
    for row in rows:
        FeedState.objects.update_or_create(
            key=row["key"],
            defaults={
                "venue": row["venue"],
                "symbol": row.get("symbol", ""),
                "state": row["state"],
                "counters": row.get("counters", {}),
                "updated_at": now,
            },
        )


def feed_states_clear() -> None:
    FeedState.objects.all().delete()


class StatusBoard:
    """A FeedSink for state changes, plus the periodic status work of the feed process."""

    def __init__(self, *, layer=None, group: str | None = None) -> None:
        self.layer = layer
        self.group = group or settings.MARKETAGG["STATUS_GROUP"]
        self.events: list[StateEvent] = []
        self._pending: set[asyncio.Task] = set()
        self._last_counts: dict[str, tuple[float, int]] = {}

    # FeedSink
    def book_changed(self, spec, book, *, ts, bids, asks, snapshot) -> None:
        pass

    def trade(self, spec, trade) -> None:
        pass

    def state_changed(self, event: StateEvent) -> None:
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
        task = asyncio.get_running_loop().create_task(self._send(message))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _send(self, message: dict) -> None:
        try:
            await self.layer.group_send(self.group, message)
        except Exception as exc:  # a full or absent channel layer must not touch the feeds
            log.warning("status publish failed", error=repr(exc))

    # periodic work
    def rows(self, supervisor) -> list[dict]:
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
                                "best_bid": str(feed.book.best_bid()) if feed.book.best_bid() is not None else None,
                                "best_ask": str(feed.book.best_ask()) if feed.book.best_ask() is not None else None,
                                "age": round(time.monotonic() - feed.last_change, 3),
                            }
                        ),
                    }
                )
        return rows

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
        save = sync_to_async(feed_states_save, thread_sensitive=False)
        next_log = time.monotonic() + log_every
        while True:
            await asyncio.sleep(save_every)
            with contextlib.suppress(Exception):
                await save(rows=self.rows(supervisor))
            if time.monotonic() >= next_log:
                next_log += log_every
                self.log_lines(supervisor)


def _plain(d: dict) -> dict:
    return {k: v for k, v in d.items() if isinstance(v, str | int | float | list | type(None))}
