"""Feed sharding: several feed processes, each holding a stable share of the enabled instruments.

Shards are by consolidated pair: every venue instrument that joins one consolidated book lands in
the same shard, so each shard keeps whole consolidated books in memory and publishes them to the
shared live store (Redis) on its own; the web process reads them there and never needs to join
books across processes. The share is a hash of the pair's name (CRC-32, the same on every machine
and Python run), so a restart or another host gives the same split, and adding a pair moves no
other pair.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from exchanges.types import InstrumentSpec

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int  # 0-based
    count: int

    @classmethod
    def parse(cls, text: str | None) -> Shard | None:
        """'1/2' is the first of two shards; blank means no sharding (one process holds all)."""
        if text is None or not str(text).strip():
            return None
        m = _SPEC.match(str(text))
        if not m:
            raise ValueError(f"a shard is written i/n with 1 <= i <= n, e.g. 1/2 (got {text!r})")
        i, n = int(m.group(1)), int(m.group(2))
        if n < 1 or not 1 <= i <= n:
            raise ValueError(f"a shard is written i/n with 1 <= i <= n, e.g. 1/2 (got {text!r})")
        return cls(index=i - 1, count=n)

    def __str__(self) -> str:
        return f"{self.index + 1}/{self.count}"

    def owns_pair(self, pair: str) -> bool:
        return zlib.crc32(pair.encode()) % self.count == self.index

    def owns(self, spec: InstrumentSpec) -> bool:
        # Instruments with no pair (nothing to consolidate) are spread by their own key.
        return self.owns_pair(spec.consolidate_into or spec.pair or spec.key)


def shard_specs(specs: list[InstrumentSpec], shard: Shard | None) -> list[InstrumentSpec]:
    if shard is None:
        return list(specs)
    return [s for s in specs if shard.owns(s)]
