"""One channel-layer subscription per pair per web process, fanned out to that process's sockets.

Joining every browser socket to the `book.<PAIR>` group would make the layer copy (in memory) or
decode (Redis) each 200-level payload once per browser: with 100 browsers that alone takes longer
than the 100 ms between updates. The relay subscribes once per pair and hands the same
(read-only) payload to every local socket of the pair.

A listener that may send at once answers with its send (an awaitable); the relay runs those one
after the other in its own task: one task per update, not one per socket.

On Redis (web and feed processes apart) the feed process first publishes each update on a Redis
pub/sub channel of the pair (FastLane, below): one round trip, where channels_redis's
group_send makes four in a row on the feed's busy event loop (10 ms typically, 50 ms and more
under load, while the browsers wait). It sends it to the group as well, afterwards: the relay
listens to both and passes each update on once, whichever copy comes first, and never an update
older than one already passed on (a lost pub/sub copy must not let the late group copy of an older
update follow a newer one). An update older by more than CLOCK_STEP is taken as the feed host's
clock stepping back, and passed on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable

from marketagg.logging import get_logger

log = get_logger("books.relay")
CLOCK_STEP = 10.0  # seconds: an update this much older than the newest is a clock step, not a late copy


class FastLane:
    """The book updates' Redis pub/sub channels beside a channels_redis layer: on the layer's first
    host (where its groups live too), one channel per pair, named after the layer's prefix and
    database (pub/sub channels are server-wide: two installs on one Redis must not hear each
    other)."""

    def __init__(self, layer) -> None:
        import redis.asyncio as aioredis
        from channels_redis.utils import create_pool

        self.redis = aioredis.Redis(connection_pool=create_pool(layer.hosts[0]))
        db = self.redis.connection_pool.connection_kwargs.get("db") or 0
        self.prefix = f"{getattr(layer, 'prefix', 'asgi')}:{db}:marketagg:book:"

    def channel(self, pair: str) -> str:
        return self.prefix + pair

    async def publish(self, pair: str, message: dict) -> None:
        await self.redis.publish(self.channel(pair), encode_update(message))

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.redis.aclose(close_connection_pool=True)


def fast_lane(layer) -> FastLane | None:
    """The fast lane of a channels_redis layer; None for any other (in memory: one process)."""
    if layer is None or not type(layer).__module__.startswith("channels_redis"):
        return None
    if not getattr(layer, "hosts", None):
        return None
    return FastLane(layer)


def encode_update(message: dict) -> bytes:
    import msgpack

    return msgpack.packb(message)


def decode_update(data: bytes) -> dict:
    import msgpack

    return msgpack.unpackb(data)


# The newest payload -> a send to run now, or None (nothing to send yet, or sent later).
Deliver = Callable[[dict], Awaitable[None] | None]


class PairRelay:
    def __init__(self, layer, pair: str) -> None:
        self.layer = layer
        self.pair = pair
        self.group = f"book.{pair}"
        self.listeners: set[Deliver] = set()
        self.channel = ""
        self.task: asyncio.Task | None = None
        self.lane: FastLane | None = None
        self.pubsub = None
        self.pubsub_task: asyncio.Task | None = None
        # The latest updates passed on, (version, published_at): the other copy of each is dropped.
        self.recent: deque[tuple] = deque(maxlen=32)
        self.newest = float("-inf")  # the newest published_at passed on

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.lane = fast_lane(self.layer)
        if self.lane is not None:
            self.pubsub = self.lane.redis.pubsub()
            await self.pubsub.subscribe(self.lane.channel(self.pair))
            self.pubsub_task = loop.create_task(self._run_pubsub(), name=f"relay pubsub {self.pair}")
        # The default prefix: channels_redis reads all of a process's channels with one receive
        # loop on that prefix; a channel of another prefix would wait behind it.
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        self.task = loop.create_task(self._run(), name=f"relay {self.group}")

    async def stop(self) -> None:
        for task in (self.task, self.pubsub_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self.channel:
            with contextlib.suppress(Exception):
                await self.layer.group_discard(self.group, self.channel)
        if self.pubsub is not None:
            with contextlib.suppress(Exception):
                await self.pubsub.aclose()
        if self.lane is not None:
            await self.lane.close()

    def running(self) -> bool:
        return all(t is None or not t.done() for t in (self.task, self.pubsub_task))

    async def _run_pubsub(self) -> None:
        while True:
            try:
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a Redis blip: say so, wait a moment (redis-py resubscribes)
                log.warning("relay pubsub receive failed", pair=self.pair, error=repr(exc))
                await asyncio.sleep(1.0)
                continue
            if message is None or message.get("type") != "message":
                continue
            try:
                update = decode_update(message["data"])
            except Exception as exc:
                log.warning("relay pubsub message unreadable", pair=self.pair, error=repr(exc))
                continue
            if isinstance(update, dict) and update.get("type") == "book.update":
                await self._dispatch(update.get("payload"))

    async def _run(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a Redis blip: say so, wait a moment, listen again
                log.warning("relay receive failed", group=self.group, error=repr(exc))
                await asyncio.sleep(1.0)
                with contextlib.suppress(Exception):
                    await self.layer.group_add(self.group, self.channel)
                continue
            if message.get("type") != "book.update":
                continue
            await self._dispatch(message.get("payload"))

    async def _dispatch(self, payload) -> None:
        if isinstance(payload, dict) and isinstance(payload.get("published_at"), int | float):
            published = payload["published_at"]
            key = (payload.get("version"), published)
            if key in self.recent:
                return  # its other copy (pub/sub or group) came first
            if self.newest - CLOCK_STEP < published < self.newest:
                return  # older than one passed on (its newer successor's copy came first)
            self.recent.append(key)
            self.newest = published
        sends = [send for deliver in list(self.listeners) if (send := deliver(payload)) is not None]
        await self._send_all(sends)

    async def _send_all(self, sends: list) -> None:
        left = iter(sends)
        try:
            for send in left:
                try:
                    await send
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # one socket's failure is that socket's, never the others'
                    log.warning("relay send failed", group=self.group, error=repr(exc))
        finally:
            for send in left:  # stopped midway (the last socket left): the rest are never run
                if hasattr(send, "close"):
                    send.close()


class Relays:
    """The relays of one event loop and channel layer (tests run several of each)."""

    def __init__(self) -> None:
        # Keyed by the loop and layer objects themselves (held, so never confused with later ones).
        self._relays: dict[tuple[object, object, str], PairRelay] = {}

    async def join(self, layer, pair: str, deliver: Deliver) -> None:
        key = (asyncio.get_running_loop(), layer, pair)
        relay = self._relays.get(key)
        if relay is None or not relay.running():
            if relay is not None:
                await relay.stop()
            relay = self._relays[key] = PairRelay(layer, pair)
            relay.listeners.add(deliver)
            try:
                await relay.start()
            except Exception:
                self._relays.pop(key, None)
                await relay.stop()
                raise
            return
        relay.listeners.add(deliver)

    async def leave(self, layer, pair: str, deliver: Deliver) -> None:
        key = (asyncio.get_running_loop(), layer, pair)
        relay = self._relays.get(key)
        if relay is None:
            return
        relay.listeners.discard(deliver)
        if not relay.listeners:
            del self._relays[key]
            await relay.stop()


RELAYS = Relays()
