"""Browser WebSockets: the live book of one pair (`/ws/book/<pair>/`) and the feed status (`/ws/status/`).

The book consumer gets the pair's channel-layer group (`book.<PAIR>`, filled by the feed process)
through the process's relay (books/relay.py: one subscription per pair) and coalesces: a client gets at most MARKETAGG["WS_MAX_HZ"] messages a second, always the newest
payload; an update replaced before it was sent is counted as a coalesced drop. The text sent is cut
and grouped once per (payload version, depth, group) and shared by every client asking the same.

A browser may send only small JSON view settings (`{"depth": 25, "group": "0.5"}`). Anything else,
or more than a few messages a second, closes that one socket (4400 garbage, 4429 flood).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict, deque
from decimal import Decimal

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from books.relay import RELAYS
from marketagg.api import selectors
from marketagg.api.levels import BadGroup, cut_book, parse_group
from marketagg.webmetrics import EVENT_TO_BROWSER, WS_CLIENTS, WS_CLOSED, WS_COALESCED, WS_SENT

DEPTH_DEFAULT, DEPTH_MAX = 25, 200
MAX_FRAME = 512  # bytes: a view-settings message is a few dozen
FLOOD_RATE, FLOOD_BURST = 5.0, 20.0  # client messages per second, sustained and in a burst
CLOSE_GARBAGE, CLOSE_FLOOD, CLOSE_UNKNOWN, CLOSE_LOGIN = 4400, 4429, 4404, 4401
STATUS_EVERY = 1.0


def _pages_open(scope) -> bool:
    if not settings.MARKETAGG["PAGES_REQUIRE_LOGIN"]:
        return True
    user = scope.get("user")
    return bool(user and user.is_authenticated)


class Renderer:
    """Cut, group and encode a payload once for every client that asks for the same view."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._cache: OrderedDict[tuple, str] = OrderedDict()

    def text(self, payload: dict, *, depth: int, group: Decimal | None) -> str:
        key = (payload.get("pair"), payload.get("version"), payload.get("ts"), depth, group)
        text = self._cache.get(key)
        if text is None:
            message = {
                "type": "book",
                "pair": payload.get("pair"),
                "ts": payload.get("ts"),
                "published_at": payload.get("published_at"),
                "version": payload.get("version"),
                "depth": depth,
                "group": str(group) if group is not None else None,
                **cut_book(payload.get("consolidated") or {}, depth=depth, group=group),
                "members": payload.get("members", []),
                "quotes": payload.get("quotes", []),
                "crossed": payload.get("crossed"),
                "metrics": payload.get("metrics", {}),
            }
            text = json.dumps(message, separators=(",", ":"), default=str)
            self._cache[key] = text
            if len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return text


RENDERER = Renderer()


class Bucket:
    """A token bucket: how many messages a client may send before it counts as a flood."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.at = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class BookConsumer(AsyncWebsocketConsumer):
    stream = "book"

    async def connect(self) -> None:
        self.counted = self.joined = self.accepted = False
        self.pending: dict | None = None
        self.flusher: asyncio.Task | None = None
        self.flush_due = False  # deliver() handed out a flush that has not run yet
        self.sent_counter = WS_SENT.labels(self.stream)
        # Send times of the last WS_MAX_HZ messages: a new one may go when the oldest is a second
        # old. At most WS_MAX_HZ in any second, without making a message wait for the jitter of
        # the one before it (a fixed 1/WS_MAX_HZ gap would).
        self.sent: deque[float] = deque()
        self.depth, self.group = DEPTH_DEFAULT, None
        self.bucket = Bucket(FLOOD_RATE, FLOOD_BURST)
        self.per_second = max(1, int(settings.MARKETAGG["WS_MAX_HZ"]))
        if not _pages_open(self.scope):
            # Accepted, then closed with a code the page can explain ("log in to see live data").
            await self.accept()
            await self.close(code=CLOSE_LOGIN, reason="login required")
            return
        self.pair = self.scope["url_route"]["kwargs"]["pair"]
        if await database_sync_to_async(selectors.pair)(self.pair) is None:
            await self.accept()
            WS_CLOSED.labels("unknown_pair").inc()
            await self.close(code=CLOSE_UNKNOWN, reason=f"unknown pair {self.pair}"[:100])
            return
        await RELAYS.join(self.channel_layer, self.pair, self.deliver)
        self.joined = True
        await self.accept()
        self.accepted = True
        self.counted = True
        WS_CLIENTS.labels(self.stream).inc()
        if self.pending is None:  # else an update came while joining: newer than the store's
            payload = await sync_to_async(selectors.live_payload, thread_sensitive=False)(self.pair)
            if payload is not None and self.pending is None and not self.sent:
                self.pending = payload  # nothing newer came from the relay meanwhile
        if self.pending is not None and not self.flush_due and self.flusher is None:
            await self.flush()

    async def disconnect(self, code) -> None:
        if self.joined:
            self.joined = False
            await RELAYS.leave(self.channel_layer, self.pair, self.deliver)
        if self.counted:
            WS_CLIENTS.labels(self.stream).dec()
            self.counted = False
        if self.flusher is not None:
            self.flusher.cancel()

    # ---- from the browser ----------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None) -> None:
        if not self.bucket.take():
            return await self.refuse("flood", CLOSE_FLOOD)
        view = _parse_view(text_data, bytes_data)
        if view is None:
            return await self.refuse("garbage", CLOSE_GARBAGE)
        self.depth, self.group = view
        # Show the new view at once (the next update would otherwise be up to a tick away).
        payload = await sync_to_async(selectors.live_payload, thread_sensitive=False)(self.pair)
        if payload is not None:
            send = self.deliver(payload)
            if send is not None:
                await send

    async def refuse(self, reason: str, code: int) -> None:
        WS_CLOSED.labels(reason).inc()
        await self.close(code=code, reason=reason)

    # ---- from the feed process (through the pair's relay) --------------------------------
    def deliver(self, payload: dict):
        """The newest payload: sent now, or as soon as the per-second cap allows.

        Returns the send to await when it may go now (the relay runs the sends of all its sockets
        in one task), else None: a send is already on its way or waits for the cap in a task."""
        if self.pending is not None:
            WS_COALESCED.inc()
        self.pending = payload
        if self.flusher is not None or self.flush_due or not self.accepted:
            return None  # on its way already, or connect() sends it once the socket is accepted
        now = time.monotonic()
        wait = 0.0
        if self.sent:
            # No burst either: at least half the even spacing after the previous message.
            wait = self.sent[-1] + 0.5 / self.per_second - now
        if len(self.sent) >= self.per_second:
            wait = max(wait, self.sent[0] + 1.0 - now)
        if wait <= 0:
            self.flush_due = True
            return self.flush()
        self.flusher = asyncio.get_running_loop().create_task(self._flush_later(wait))
        return None

    async def _flush_later(self, wait: float) -> None:
        await asyncio.sleep(wait)
        self.flusher = None
        await self.flush()

    async def flush(self) -> None:
        self.flush_due = False
        payload, self.pending = self.pending, None
        if payload is None:
            return
        self.sent.append(time.monotonic())
        while len(self.sent) > self.per_second:
            self.sent.popleft()
        text = RENDERER.text(payload, depth=self.depth, group=self.group)
        now = time.time()
        # The server's send itself (what AsyncWebsocketConsumer.send wraps), once per browser.
        await self.base_send({"type": "websocket.send", "text": f'{{"sent_at":{now:.6f},' + text[1:]})
        self.sent_counter.inc()
        if isinstance(payload.get("ts"), int | float):
            EVENT_TO_BROWSER.observe(max(0.0, now - payload["ts"]))


def _parse_view(text_data, bytes_data) -> tuple[int, Decimal | None] | None:
    """`{"depth": 1..200, "group": null | "0.5"}` or None for anything else."""
    if text_data is None or len(text_data) > MAX_FRAME:
        return None
    try:
        message = json.loads(text_data)
    except ValueError:
        return None
    if not isinstance(message, dict) or set(message) - {"depth", "group"}:
        return None
    depth = message.get("depth", DEPTH_DEFAULT)
    if not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= DEPTH_MAX:
        return None
    group = message.get("group")
    if group is not None and not isinstance(group, str):
        return None
    try:
        return depth, parse_group(group)
    except BadGroup:
        return None


class StatusConsumer(AsyncWebsocketConsumer):
    """Every venue and instrument state: a full picture every second, state changes at once."""

    stream = "status"

    async def connect(self) -> None:
        self.counted = False
        self.ticker: asyncio.Task | None = None
        if not _pages_open(self.scope):
            # Accepted, then closed with a code the page can explain ("log in to see live data").
            await self.accept()
            await self.close(code=CLOSE_LOGIN, reason="login required")
            return
        group = settings.MARKETAGG["STATUS_GROUP"]
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups.append(group)
        await self.accept()
        self.counted = True
        WS_CLIENTS.labels(self.stream).inc()
        self.ticker = asyncio.get_running_loop().create_task(self._tick())

    async def disconnect(self, code) -> None:
        if self.counted:
            WS_CLIENTS.labels(self.stream).dec()
            self.counted = False
        if self.ticker is not None:
            self.ticker.cancel()

    async def receive(self, text_data=None, bytes_data=None) -> None:
        # This stream takes nothing from the browser: whatever arrives is garbage.
        WS_CLOSED.labels("garbage").inc()
        await self.close(code=CLOSE_GARBAGE, reason="garbage")

    async def _tick(self) -> None:
        while True:
            text = await database_sync_to_async(status_text)()
            await self.send(text_data=text)
            WS_SENT.labels(self.stream).inc()
            await asyncio.sleep(STATUS_EVERY)

    async def feed_state(self, event: dict) -> None:
        message = {k: event.get(k) for k in ("venue", "symbol", "state", "ts", "reason")}
        await self.send(text_data=json.dumps({"type": "state", **message}))
        WS_SENT.labels(self.stream).inc()


_status_cache: tuple[float, str] = (0.0, "")


def status_text() -> str:
    """The status picture as JSON, read at most twice a second however many pages are open."""
    global _status_cache
    at, text = _status_cache
    now = time.monotonic()
    if now - at < 0.5 and text:
        return text
    from exchanges.selectors import feed_status

    pairs = {name: info.keys for name, info in selectors.pairs().items()}
    text = json.dumps({"type": "status", "now": time.time(), "pairs": pairs, **feed_status()}, default=str)
    _status_cache = (now, text)
    return text
