"""Per-host limits: connection attempts and REST weight, shared by every connection to a host."""

import asyncio
import time


class TokenBucket:
    """`capacity` tokens refilled evenly over `period` seconds; `acquire(n)` waits for n tokens."""

    def __init__(self, *, capacity: float, period: float) -> None:
        self.capacity = capacity
        self.rate = capacity / period
        self.tokens = capacity
        self.updated = time.monotonic()
        self.blocked_until = 0.0  # set from a venue's Retry-After
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self, n: float = 1.0) -> float:
        self._refill()
        now = time.monotonic()
        wait = max(0.0, self.blocked_until - now)
        if self.tokens < n:
            wait = max(wait, (n - self.tokens) / self.rate)
        return wait

    async def acquire(self, n: float = 1.0) -> None:
        n = min(n, self.capacity)
        async with self._lock:
            while (wait := self.wait_time(n)) > 0:
                await asyncio.sleep(wait)
            self.tokens -= n

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

    def rest_bucket(self, host: str) -> TokenBucket:
        if host not in self.rest:
            self.rest[host] = TokenBucket(capacity=self.rest_weight_per_min, period=60.0)
        return self.rest[host]
