"""Exponential backoff with full jitter, reset after a healthy period."""

import random
import time


class Backoff:
    """delay = uniform(0, min(cap, base * 2**attempt)). `healthy()` after a good stretch resets it.

    Full jitter spreads reconnecting clients over the whole window, so a venue restart is not
    met by every client at the same instant.
    """

    def __init__(
        self, *, base: float = 0.5, cap: float = 60.0, healthy_after: float = 60.0, rng=None
    ) -> None:
        self.base = base
        self.cap = cap
        self.healthy_after = healthy_after
        self.attempt = 0
        self._rng = rng or random.Random()
        self._connected_at: float | None = None

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * (2**self.attempt))
        self.attempt += 1
        return self._rng.uniform(0, ceiling)

    def connected(self) -> None:
        self._connected_at = time.monotonic()

    def disconnected(self) -> None:
        """A connection ended: if it had been healthy long enough, start again from the smallest delay."""
        if self._connected_at is not None and time.monotonic() - self._connected_at >= self.healthy_after:
            self.attempt = 0
        self._connected_at = None
