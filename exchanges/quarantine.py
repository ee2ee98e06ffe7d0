"""Bad input: counted per venue and kind, logged at most once per kind per minute, kept for inspection."""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass

from marketagg.logging import get_logger

log = get_logger("exchanges.quarantine")


@dataclass(frozen=True, slots=True)
class QuarantinedFrame:
    ts: float
    venue: str
    kind: str  # invalid_json, missing_field, bad_number, unknown_event, crossed_book, rpc_error
    reason: str
    raw: str


class Quarantine:
    def __init__(self, *, size: int = 1000, log_every: float = 60.0, raw_limit: int = 2000) -> None:
        self.frames: collections.deque[QuarantinedFrame] = collections.deque(maxlen=size)
        self.counts: collections.Counter[tuple[str, str]] = collections.Counter()
        self.log_every = log_every
        self.raw_limit = raw_limit
        self._last_logged: dict[tuple[str, str], float] = {}

    def add(self, *, venue: str, kind: str, reason: str, raw) -> None:
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        text = raw if isinstance(raw, str) else repr(raw)
        self.frames.append(QuarantinedFrame(time.time(), venue, kind, reason, text[: self.raw_limit]))
        key = (venue, kind)
        self.counts[key] += 1
        now = time.monotonic()
        if now - self._last_logged.get(key, -1e9) >= self.log_every:
            self._last_logged[key] = now
            log.warning(
                "bad input quarantined", venue=venue, kind=kind, reason=reason, total=self.counts[key]
            )

    def recent(self, *, venue: str | None = None, kind: str | None = None) -> list[QuarantinedFrame]:
        return [
            f for f in self.frames if (venue is None or f.venue == venue) and (kind is None or f.kind == kind)
        ]
