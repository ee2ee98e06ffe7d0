"""One channel-layer subscription per pair per web process, fanned out to that process's sockets.

Joining every browser socket to the `book.<PAIR>` group would make the layer copy (in memory) or
decode (Redis) each 200-level payload once per browser: with 100 browsers that alone takes longer
than the 100 ms between updates. The relay receives each update once and hands the same
(read-only) payload to every local socket of the pair.

A listener that may send at once answers with its send (an awaitable); the relay runs those one
after the other in its own task: one task per update, not one per socket.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from marketagg.logging import get_logger

log = get_logger("books.relay")

# The newest payload -> a send to run now, or None (nothing to send yet, or sent later).
Deliver = Callable[[dict], Awaitable[None] | None]


class PairRelay:
    def __init__(self, layer, pair: str) -> None:
        self.layer = layer
        self.group = f"book.{pair}"
        self.listeners: set[Deliver] = set()
        self.channel = ""
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        # The default prefix: channels_redis reads all of a process's channels with one receive
        # loop on that prefix; a channel of another prefix would wait behind it.
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        self.task = asyncio.get_running_loop().create_task(self._run(), name=f"relay {self.group}")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
        with contextlib.suppress(Exception):
            await self.layer.group_discard(self.group, self.channel)

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
            payload = message.get("payload")
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
        if relay is None or (relay.task is not None and relay.task.done()):
            relay = self._relays[key] = PairRelay(layer, pair)
            relay.listeners.add(deliver)
            try:
                await relay.start()
            except Exception:
                self._relays.pop(key, None)
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
