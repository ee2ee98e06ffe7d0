"""Tuning knobs of the simulator, with the defaults a live demo wants; tests shorten the waits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SimOptions:
    rate: float = 10.0  # depth events per second per instrument; 0 = only `Simulator.advance()` moves books
    trade_rate: float | None = None  # trades per second per instrument; None = rate / 5
    ping_interval: float = 20.0  # Binance's WebSocket ping frames (aiohttp heartbeat)
    stall_seconds: float = 3.0  # how long a stalled connection sends nothing
    shutdown_delay: float = 2.0  # serverShutdown notice to close
    retry_after: int = 2  # seconds, in the Retry-After of 429/418 answers
    slow_snapshot_seconds: tuple[float, float] = (1.0, 3.0)  # delay range of a slow snapshot
    deribit_min_heartbeat: float = 10.0  # smallest public/set_heartbeat interval accepted
    min_levels: int = 50
    max_levels: int = 300
    max_changes: int = 20  # levels changed per event, at most
    max_queue: int = 20_000  # frames waiting for a slow client before it is cut off, as venues do
    weight_limit_spot: int = 6000  # X-MBX-USED-WEIGHT-1M beyond which Binance answers 429
    weight_limit_futures: int = 2400

    @property
    def trades_per_second(self) -> float:
        return self.rate / 5 if self.trade_rate is None else self.trade_rate
