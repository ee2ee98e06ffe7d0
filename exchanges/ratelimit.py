"""Per-host limits: connection attempts and REST weight, shared by every connection to a host."""

import asyncio
import time


class TokenBucket:
    """`capacity` tokens refilled evenly over `period` seconds; `acquire(n)` waits for n tokens.

    Callers reserve their tokens at once (the balance may go below zero) and sleep until their
    share of the debt is paid back: first come, first served, with no lock to be left held by a
    cancelled caller. A caller cancelled while waiting gives its tokens back.
    """

    def __init__(self, *, capacity: float, period: float) -> None:
        self.capacity = capacity
        self.rate = capacity / period
        self.tokens = capacity
        self.updated = time.monotonic()
        self.blocked_until = 0.0  # set from a venue's Retry-After

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self, n: float = 1.0) -> float:
        """How long a caller asking for n tokens now would wait (nothing is reserved)."""
        self._refill()
        wait = max(0.0, self.blocked_until - time.monotonic())
        if self.tokens < n:
            wait = max(wait, (n - self.tokens) / self.rate)
        return wait

    async def acquire(self, n: float = 1.0) -> None:
        n = min(n, self.capacity)
        self._refill()
        self.tokens -= n
        wait = max(0.0, self.blocked_until - time.monotonic(), -self.tokens / self.rate)
        if wait <= 0:
            return
        try:
            await asyncio.sleep(wait)
        except asyncio.CancelledError:
            self.tokens += n
            raise
        # A Retry-After that arrived while we slept still applies.
        while (blocked := self.blocked_until - time.monotonic()) > 0:
            await asyncio.sleep(blocked)

    def block_for(self, seconds: float) -> None:
        self.blocked_until = max(self.blocked_until, time.monotonic() + seconds)


class HostLimits:
    """Buckets by host name, created on first use with the venue's documented limits."""

    def __init__(self, *, connects_per_5min: int = 300, rest_weight_per_min: int = 1200) -> None:
        self.connects_per_5min = connects_per_5min
        self.rest_weight_per_min = rest_weight_per_min
        self.connects: dict[str, TokenBucket] = {}
        self.rest: dict[str, TokenBucket] = {}

    def connect_bucket(self, host: str) -> TokenBucket:
        if host not in self.connects:
            self.connects[host] = TokenBucket(capacity=self.connects_per_5min, period=300.0)
        return self.connects[host]

    def rest_bucket(self, host: str, *, weight_per_min: float | None = None) -> TokenBucket:
        """The host's budget; the first caller's venue sets its size (one host, one venue)."""
        if host not in self.rest:
            capacity = weight_per_min if weight_per_min is not None else self.rest_weight_per_min
            self.rest[host] = TokenBucket(capacity=capacity, period=60.0)
        return self.rest[host]
