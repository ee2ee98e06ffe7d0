"""One connection's outgoing frames, in order, with the stream faults applied on the way out.

Frames are queued synchronously by the market (so their order is the truth's order) and written
by one task per connection. Stream frames roll the fault dice as they leave; answers to requests
never do, so a test that asks a question always gets its answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from exchanges.simulator.faults import FaultDice, FaultSpec
from exchanges.simulator.options import SimOptions

REPLY = "reply"  # an answer or a protocol message: never faulted
STREAM = "stream"  # stream data other than book changes
DEPTH = "depth"  # a book change: the only kind a gap may drop


@dataclass(slots=True)
class Frame:
    text: str
    kind: str = STREAM
    # Builders of extra bad frames that look like this one (same ids), for malformed / unknown.
    malformed: Callable[[FaultDice], str] | None = None
    unknown: Callable[[], str] | None = None


class Outbox:
    def __init__(
        self,
        ws: web.WebSocketResponse,
        request: web.Request,
        *,
        dice: FaultDice,
        faults: Callable[[], FaultSpec],
        options: SimOptions,
        counts: Counter,
        shutdown_frame: Callable[[], str] | None = None,
    ) -> None:
        self.ws = ws
        self.request = request
        self.dice = dice
        self.faults = faults
        self.options = options
        self.counts = counts
        self.shutdown_frame = shutdown_frame  # None: the venue has no shutdown notice
        self.queue: asyncio.Queue[Frame | None] = asyncio.Queue()
        self.closed = False
        self._shutting_down = False
        self._task: asyncio.Task | None = None
        self._later: list[asyncio.Task] = []

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def put(self, frame: Frame) -> None:
        if self.closed:
            return
        if self.queue.qsize() >= self.options.max_queue:
            # A client that cannot keep up is cut off, as the venues do, rather than fed stale data.
            self.counts["slow_client_closed"] += 1
            self._spawn(self.close(code=1008, message=b"too slow"))
            self.closed = True
            return
        self.queue.put_nowait(frame)

    async def _run(self) -> None:
        try:
            while True:
                frame = await self.queue.get()
                if frame is None or self.ws.closed:
                    return
                if frame.kind != REPLY and not self.faults().quiet_streams:
                    if not await self._stream_faults(frame):
                        continue
                await self.ws.send_str(frame.text)
                self.counts["messages_sent"] += 1
        except (ConnectionError, RuntimeError, asyncio.CancelledError):
            # The peer went away mid-write, or the simulator is stopping: nothing left to send.
            pass

    async def _stream_faults(self, frame: Frame) -> bool:
        """Roll each stream fault once for this frame; False when the frame is not to be sent."""
        spec = self.faults()
        dice = self.dice
        if dice.roll("disconnect", spec.disconnect):
            self.abort()
            return False
        if (
            self.shutdown_frame is not None
            and not self._shutting_down
            and dice.roll("shutdown", spec.shutdown)
        ):
            self._shutting_down = True
            await self.ws.send_str(self.shutdown_frame())
            self._spawn(self._close_after(self.options.shutdown_delay))
        if dice.roll("stall", spec.stall):
            # Nothing leaves this connection for a while; what the market produces meanwhile waits
            # in the queue and follows, late but whole.
            await asyncio.sleep(self.options.stall_seconds)
        if frame.unknown is not None and dice.roll("unknown", spec.unknown):
            await self.ws.send_str(frame.unknown())
        if frame.kind == DEPTH and dice.roll("gap", spec.gap):
            return False  # the truth moved on; this client never hears of it
        if frame.malformed is not None and dice.roll("malformed", spec.malformed):
            # Sent just before the real frame and carrying its ids: a client that rejects it
            # sees no gap.
            await self.ws.send_str(frame.malformed(dice))
        return True

    async def _close_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.close(code=1001, message=b"server shutdown")

    def abort(self) -> None:
        """Drop the TCP connection without a close frame: what a client sees when a venue dies."""
        self.closed = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()
        self.queue.put_nowait(None)

    async def close(self, *, code: int = 1000, message: bytes = b"") -> None:
        self.closed = True
        self.queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await self.ws.close(code=code, message=message)

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._later.append(task)
        task.add_done_callback(lambda t: t in self._later and self._later.remove(t))

    async def stop(self) -> None:
        """Stop writing; used when the connection handler ends."""
        self.closed = True
        for task in [self._task, *self._later]:
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        for task in [self._task, *self._later]:
            if task is not None and task is not asyncio.current_task():
                with contextlib.suppress(BaseException):
                    await task
