"""Reads the pages and the API share: which pairs exist, who is in them, what the live store holds."""

from __future__ import annotations

from dataclasses import dataclass, field

from exchanges.models import Instrument


@dataclass
class PairInfo:
    pair: str
    instruments: list[Instrument] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [i.key for i in self.instruments]

    def smallest_tick(self):
        ticks = [i.tick_size for i in self.instruments if i.tick_size]
        return min(ticks) if ticks else None


def book_pair_of(instrument: Instrument) -> str:
    """The consolidated book an instrument joins (options never join one)."""
    if instrument.kind == "option":
        return ""
    return instrument.consolidate_into or instrument.pair


def pairs() -> dict[str, PairInfo]:
    """Every pair with a consolidated book: enabled instruments of enabled exchanges, by name."""
    out: dict[str, PairInfo] = {}
    rows = Instrument.objects.select_related("exchange").filter(enabled=True, exchange__enabled=True)
    for instrument in rows.order_by("exchange__venue", "symbol"):
        pair = book_pair_of(instrument)
        if pair:
            out.setdefault(pair, PairInfo(pair)).instruments.append(instrument)
    return dict(sorted(out.items()))


def pair(name: str) -> PairInfo | None:
    return pairs().get(name)


def live_payload(name: str) -> dict | None:
    """The feed process's latest payload for a pair (books.live), or None before the first one."""
    from books.live import live_store

    return live_store().get(name)
