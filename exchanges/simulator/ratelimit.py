"""Binance's request weight per minute, as the X-MBX-USED-WEIGHT-1M header reports it."""

from __future__ import annotations

import time
from collections import deque


class WeightMeter:
    def __init__(self, window: float = 60.0) -> None:
        self.window = window
        self._spent: deque[tuple[float, int]] = deque()
        self._total = 0

    def add(self, weight: int) -> int:
        """Count a request; returns the weight used in the last minute, this one included."""
        now = time.monotonic()
        self._spent.append((now, weight))
        self._total += weight
        return self.used(now)

    def used(self, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        while self._spent and self._spent[0][0] <= now - self.window:
            self._total -= self._spent.popleft()[1]
        return self._total


def spot_depth_weight(limit: int) -> int:
    if limit <= 100:
        return 5
    if limit <= 500:
        return 25
    if limit <= 1000:
        return 50
    return 250


def futures_depth_weight(limit: int) -> int:
    if limit <= 50:
        return 2
    if limit <= 100:
        return 5
    if limit <= 500:
        return 10
    return 20
