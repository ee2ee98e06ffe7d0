"""One WebSocket connection's life: open it, read every frame into the connector, close it.

A Session carries the feeds of its group; while `muted` (a standby, or a connector taking over
from another) its books sync without telling anybody until it is promoted.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import websockets
import websockets.asyncio.client
from websockets.frames import Opcode

from books.orderbook import BookState
from exchanges.connectors.feeds import Feed, Group
from marketagg.logging import get_logger

if TYPE_CHECKING:
    from exchanges.connectors.base import Connector

log = get_logger("exchanges.connectors")

_PING = Opcode.PING
_PONG = Opcode.PONG


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
