"""Feed sharding: several feed processes, each holding a stable share of the enabled instruments.

Shards are by consolidated pair: every venue instrument that joins one consolidated book lands in
the same shard, so each shard keeps whole consolidated books in memory and publishes them to the
shared live store (Redis) on its own; the web process reads them there and never needs to join
books across processes. Pairs are dealt round-robin in name order over the enabled instruments
every shard reads from the same database: balanced (two pairs over two shards give one each, which
a hash does not promise), and the same on every host and run. A pair added or removed in the admin
can move others: every shard re-reads the list on the admin's reload message, so each pair stays
held by exactly one shard.
"""

from __future__ import annotations

import re
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


def book_of(spec: InstrumentSpec) -> str:
    """The consolidated book an instrument joins; one with no pair is a book of its own."""
    return spec.consolidate_into or spec.pair or spec.key


def shard_specs(specs: list[InstrumentSpec], shard: Shard | None) -> list[InstrumentSpec]:
    """This shard's share of `specs` (all enabled instruments, the same list every shard reads)."""
    if shard is None:
        return list(specs)
    books = sorted({book_of(s) for s in specs})
    mine = {b for i, b in enumerate(books) if i % shard.count == shard.index}
    return [s for s in specs if book_of(s) in mine]
