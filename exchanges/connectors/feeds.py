"""The data a connector keeps: its options, its venue counters, and the feeds and groups it serves.

- FeedOptions: how a connector behaves (watchdog, planned reconnects, timeouts, limits).
- VenueStats: the venue's counters, as the status page shows them.
- Feed: one instrument on one session, with its VenueBook and sync state.
- Group: a fixed set of streams that always travel together; it has one active session at a
  time, and during a planned reconnect a standby session that syncs before it takes over.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from books.orderbook import BookState, VenueBook
from exchanges.backoff import Backoff
from exchanges.types import InstrumentSpec

if TYPE_CHECKING:
    from exchanges.connectors.session import Session

Tap = Callable[[str, str, "str | None", float], None]


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
