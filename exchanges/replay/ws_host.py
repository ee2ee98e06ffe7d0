"""One recorded WebSocket host, replayed: its frames in recorded order to whoever connects.

- Frames go out in recorded order whatever the client subscribed to; a frame is consumed only
  once a socket took it, so a reconnecting client continues from the next unsent frame.
- With several sockets open at once (USD-M: one for depth, one for trades), a combined-stream
  frame `{"stream": S, ...}` goes to the socket that named S (URL `streams=` or a SUBSCRIBE),
  else to the oldest open socket; S then stays there, so one stream never splits across sockets.
  Deribit notifications route the same way by their channel's instrument (public/subscribe).
- A recorded `open` of a URL opened before is a recorded reconnect: the matching sockets are cut
  at that point. A recorded subscribe call waits (briefly) for the client's own subscribe, so
  frames do not overtake a real client's subscription.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import struct
import time
from urllib.parse import parse_qsl, urlsplit

import aiohttp
from aiohttp import WSCloseCode, WSMsgType, web

from books.numbers import decode_json
from exchanges.capture import CaptureLine
from exchanges.replay.pacing import Pacer
from exchanges.replay.rpc import ClientState, Responder, channel_key
from exchanges.replay.script import WsTimeline

STREAM_PREFIX = re.compile(r'\s*\{\s*"stream"\s*:\s*"([^"\\]*)"')
# A Deribit notification's channel, `<kind>.<instrument>[.<interval>...]`: it goes to the socket
# that subscribed a channel of that instrument.
CHANNEL = re.compile(r'"channel"\s*:\s*"[^".]*\.([^"\\.]+)')
# A client opens its sockets one after another: a stream no open socket names yet waits this
# long after the first one opened before it goes to the oldest socket.
ROUTE_GRACE = 0.3
# A stream some socket named before (the client is reconnecting it, after its backoff) waits this
# long for a socket naming it again before it goes to the oldest socket.
NAMED_GRACE = 5.0
# A recorded subscribe waits at most this long after a socket opened for the client's own.
SUBSCRIBE_GRACE = 1.0
# At --speed max, consecutive frames for one socket go out in one write of at most this many
# frames or bytes (a write per frame costs a system call per frame), and the pump waits for the
# client while more than HIGH_WATER bytes sit unsent, checking every DRAIN_POLL seconds.
BATCH_FRAMES = 256
BATCH_BYTES = 1 << 18
HIGH_WATER = 1 << 20
DRAIN_POLL = 0.001


def streams_in(url_query: str) -> set[str]:
    for key, value in parse_qsl(url_query, keep_blank_values=True):
        if key == "streams":
            return {s.lower() for s in value.split("/") if s}
    return set()


def stream_of(frame: str) -> str | None:
    """What routes a frame: a combined-stream name (Binance) or a channel's instrument (Deribit)."""
    match = STREAM_PREFIX.match(frame)
    if match:
        return match.group(1).lower()
    if '"subscription"' in frame:
        match = CHANNEL.search(frame)
        if match:
            return channel_key(match.group(1))
    return None


def is_subscribe(data: str | None) -> bool:
    if not data or "ubscribe" not in data and "UBSCRIBE" not in data:
        return False
    try:
        msg = decode_json(data)
    except Exception:
        return False
    method = msg.get("method") if isinstance(msg, dict) else None
    return isinstance(method, str) and (method == "SUBSCRIBE" or method.endswith("/subscribe"))


def text_frame_header(length: int) -> bytes:
    """RFC 6455 5.2, server to client: FIN, opcode text, no mask, the payload length."""
    if length < 126:
        return bytes((0x81, length))
    if length < 65536:
        return struct.pack("!BBH", 0x81, 126, length)
    return struct.pack("!BBQ", 0x81, 127, length)


class Connection:
    """One client socket."""

    def __init__(
        self, ws: web.WebSocketResponse, url: str, transport: asyncio.Transport | None = None
    ) -> None:
        self.ws = ws
        self.url = url
        # Where whole frames may be written in batches (write_frames), when nothing else is
        # writing and no compression was agreed.
        self.transport = transport
        self.client = ClientState(streams=streams_in(urlsplit(url).query))
        self.opened_at = time.monotonic()
        self.closed = False
        self.lock = asyncio.Lock()  # the pump and the RPC answers write to the same socket

    async def send(self, text: str) -> bool:
        if self.closed or self.ws.closed:
            return False
        async with self.lock:
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError, aiohttp.ClientError):
                self.closed = True
                return False
        return True

    def can_write_frames(self) -> bool:
        t = self.transport
        return (
            t is not None
            and not self.closed
            and not self.ws.closed
            and not t.is_closing()
            and not self.ws.compress
            and not self.lock.locked()
        )

    def write_frames(self, texts: list[str]) -> None:
        """Whole text frames in one write, as `send` would have sent them one by one."""
        parts = []
        for text in texts:
            payload = text.encode()
            parts.append(text_frame_header(len(payload)))
            parts.append(payload)
        self.transport.write(b"".join(parts))

    async def drained(self) -> None:
        """Wait while the client has more than HIGH_WATER bytes of frames waiting to go out."""
        t = self.transport
        while t.get_write_buffer_size() > HIGH_WATER and not t.is_closing():
            await asyncio.sleep(DRAIN_POLL)


class WsHost:
    def __init__(self, timeline: WsTimeline, *, pacer: Pacer, responder: Responder) -> None:
        self.host = timeline.host
        self.venue = timeline.venue
        self.events: list[CaptureLine] = timeline.events
        self.total = timeline.frames
        self.pacer = pacer
        self.responder = responder
        self.cursor = 0
        self.sent = 0
        self.connections = 0  # sockets ever opened
        self.cuts = 0
        self.conns: list[Connection] = []
        self.pinned: dict[str, Connection] = {}
        self.named_ever: set[str] = set()  # streams any socket of this host has named
        self.opened_urls: set[tuple[str, frozenset[str]]] = set()
        self.recorded_subscribes = 0
        self.client_subscribes = 0
        self.session_opened_at = 0.0
        self.pacing = False  # waiting for a frame's recorded time (--speed N), not for a client
        self.exhausted = asyncio.Event()
        if self.total == 0:
            self.exhausted.set()
        self._change = asyncio.Event()
        self._closers: set[asyncio.Task] = set()

    # ---- sockets -----------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, heartbeat=None, max_msg_size=0)
        if not ws.can_prepare(request).ok:
            return web.json_response({"error": "this replayed host serves WebSocket only"}, status=400)
        await ws.prepare(request)
        conn = Connection(ws, request.path_qs, request.transport)
        self._add(conn)
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                reply = self.responder.respond(conn.client, msg.data)
                for frame in reply.frames:
                    await conn.send(frame)
                if reply.subscribed:
                    self.client_subscribes += 1
                self.named_ever |= conn.client.streams
                self._notify()  # a SUBSCRIBE may name a stream a frame is waiting to route
        finally:
            self._remove(conn)
        return ws

    def _add(self, conn: Connection) -> None:
        if not self.conns:
            self.session_opened_at = conn.opened_at
        self.conns.append(conn)
        self.named_ever |= conn.client.streams
        self.connections += 1
        self.pacer.start()
        self._notify()

    def _remove(self, conn: Connection) -> None:
        conn.closed = True
        if conn in self.conns:
            self.conns.remove(conn)
        for stream in [s for s, c in self.pinned.items() if c is conn]:
            del self.pinned[stream]
        self._notify()

    def _notify(self) -> None:
        # Waiters hold the event they saw before checking their condition: no wake-up is lost.
        self._change.set()
        self._change = asyncio.Event()

    async def _wait_change(self, timeout: float | None = None) -> None:
        change = self._change
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(change.wait(), timeout)

    # ---- the pump ----------------------------------------------------------------------
    async def run(self) -> None:
        events = self.events
        paced = self.pacer.speed is not None
        while self.cursor < len(events):
            event = events[self.cursor]
            if event.t == "open":
                await self._recorded_open(event)
            elif event.t == "sent":
                if is_subscribe(event.data):
                    await self._recorded_subscribe()
            else:
                if paced:
                    self.pacing = True
                    try:
                        await self.pacer.wait(event.ts)
                    finally:
                        self.pacing = False
                data = event.data or ""
                stream = stream_of(data)
                conn = self._route_now(stream) or await self._route(stream)
                if not paced and conn.can_write_frames():
                    self._write_batch(conn, data)
                    await conn.drained()
                    continue
                if not await conn.send(data):
                    continue  # that socket went away: the frame waits for the next one
                self.sent += 1
                if self.sent == self.total:
                    self.exhausted.set()
            self.cursor += 1

    def _write_batch(self, conn: Connection, first: str) -> None:
        """The frame at the cursor and the recorded frames after it that go to the same socket
        (as routed one by one), in one write; the cursor moves past them."""
        events = self.events
        texts = [first]
        size = len(first)
        i = self.cursor + 1
        end = min(len(events), self.cursor + BATCH_FRAMES)
        while i < end and size < BATCH_BYTES:
            event = events[i]
            if event.t != "ws":
                break
            data = event.data or ""
            if self._route_now(stream_of(data)) is not conn:
                break
            texts.append(data)
            size += len(data)
            i += 1
        conn.write_frames(texts)
        self.cursor = i
        self.sent += len(texts)
        if self.sent == self.total:
            self.exhausted.set()

    async def _recorded_open(self, event: CaptureLine) -> None:
        parts = urlsplit(event.url)
        key = (parts.path, frozenset(streams_in(parts.query)))
        if key not in self.opened_urls:
            self.opened_urls.add(key)
            return
        # The recording reconnected here: cut the client's matching sockets at the same point.
        while not self.conns:
            await self._wait_change()
        targets = [c for c in self.conns if key[1] & c.client.streams] or list(self.conns)
        self.cuts += 1
        for conn in targets:
            self._remove(conn)
            task = asyncio.get_running_loop().create_task(conn.ws.close(code=WSCloseCode.GOING_AWAY))
            self._closers.add(task)
            task.add_done_callback(self._closers.discard)

    async def _recorded_subscribe(self) -> None:
        self.recorded_subscribes += 1
        while self.client_subscribes < self.recorded_subscribes:
            if self.conns:
                left = SUBSCRIBE_GRACE - (time.monotonic() - max(c.opened_at for c in self.conns))
                if left <= 0:
                    # A client that subscribes in its URL never sends one: stop waiting for it.
                    self.client_subscribes = self.recorded_subscribes
                    return
                await self._wait_change(left)
            else:
                await self._wait_change()

    def _route_now(self, stream: str | None) -> Connection | None:
        """The socket a frame of `stream` goes to, if that is decided now; None: wait (_route)."""
        if not self.conns:
            return None
        if stream is None:
            return self.conns[0]
        for conn in self.conns:
            if stream in conn.client.streams:
                self.pinned[stream] = conn
                return conn
        pinned = self.pinned.get(stream)
        if pinned is not None and not pinned.closed:
            return pinned
        return None

    async def _route(self, stream: str | None) -> Connection:
        waiting_since: float | None = None
        while True:
            conn = self._route_now(stream)
            if conn is not None:
                return conn
            if not self.conns:
                await self._wait_change()
                continue
            now = time.monotonic()
            if stream in self.named_ever:
                # Its socket is on the way back (a reconnect): splitting the stream would lose it.
                waiting_since = waiting_since or now
                left = NAMED_GRACE - (now - waiting_since)
            else:
                left = ROUTE_GRACE - (now - self.session_opened_at)
            if left <= 0:
                self.pinned[stream] = self.conns[0]
                return self.conns[0]
            await self._wait_change(left)

    async def close(self) -> None:
        for conn in list(self.conns):
            self._remove(conn)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.ws.close(code=WSCloseCode.GOING_AWAY), 2)
        for task in list(self._closers):
            task.cancel()
