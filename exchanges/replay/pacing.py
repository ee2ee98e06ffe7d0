"""When a recorded frame may go out: at once (`max`), or keeping the recorded gaps at N x speed."""

from __future__ import annotations

import asyncio
import time


class Pacer:
    """One clock for every host, so frames of different hosts keep their recorded order in time.

    The clock starts when the first client connects; a frame recorded `ts - first_ts` seconds
    into the capture goes out no earlier than `(ts - first_ts) / speed` seconds after that.
    """

    def __init__(self, *, speed: float | None, first_ts: float) -> None:
        if speed is not None and speed <= 0:
            raise ValueError("speed must be positive (or None for as fast as the client reads)")
        self.speed = speed
        self.first_ts = first_ts
        self.started_at: float | None = None

    def start(self) -> None:
        if self.started_at is None:
            self.started_at = time.monotonic()

    def delay(self, ts: float) -> float:
        if self.speed is None:
            return 0.0
        self.start()
        due = self.started_at + max(0.0, ts - self.first_ts) / self.speed
        return max(0.0, due - time.monotonic())

    async def wait(self, ts: float) -> None:
        delay = self.delay(ts)
        if delay > 0:
            await asyncio.sleep(delay)
