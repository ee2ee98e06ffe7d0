"""Where a cost-to-trade sweep gets its consolidated levels: a live `ConsolidatedBook`, a live-store
payload, a books file's `consolidated:<PAIR>` entry, or the stored history at a past moment.

Each returns a `Levels` (both sides best first, the members in the book, the mid) for
`analytics.cost.sweep`. Taker fees come from `exchanges.Exchange.taker_fee`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from analytics.cost import EXACT, ZERO, BadBook, Level, mid_of, parse_book_json


class NoBook(LookupError):
    """No book to sweep: an unknown pair, an entry missing from a file, nothing stored at a time."""


@dataclass
class Levels:
    levels_by_side: dict[str, list[Level]]
    venues_in: list[str]
    mid: Decimal | None
    ts: float | None = None
    # From the stored history: each member's data time, and who was out of the book then and why.
    data_times: dict[str, str] | None = None
    venues_out: dict[str, str] | None = None


def from_consolidated(book) -> Levels:
    """A live `books.consolidated.ConsolidatedBook` (members out of the book have no levels in it)."""
    return Levels(
        levels_by_side={"bids": book.levels("bids"), "asks": book.levels("asks")},
        venues_in=book.venues_in(),
        mid=book.mid(),
        ts=book.updated_at or None,
    )


def _only(levels: list[Level], keep: set[str]) -> list[Level]:
    """A payload's levels without members that are out (the publisher drops them already; this
    keeps a sweep honest even if a payload was cut between a state change and its levels)."""
    out = []
    for price, total, parts in levels:
        if all(k in keep for k in parts):
            out.append((price, total, parts))
            continue
        kept = {k: q for k, q in parts.items() if k in keep}
        new_total = ZERO
        for q in kept.values():
            new_total = EXACT.add(new_total, q)
        if new_total > ZERO:
            out.append((price, new_total, kept))
    return out


def from_payload(payload: dict) -> Levels:
    """A live-store payload (books/live.py): its full-depth "consolidated" and its "members"."""
    sides = parse_book_json(payload.get("consolidated") or {})
    members = payload.get("members")
    if members is None:
        venues_in = sorted({k for side in sides.values() for _, _, parts in side for k in parts})
    else:
        venues_in = sorted(m["key"] for m in members if m.get("included"))
        keep = set(venues_in)
        sides = {side: _only(levels, keep) for side, levels in sides.items()}
    return Levels(levels_by_side=sides, venues_in=venues_in, mid=mid_of(sides), ts=payload.get("ts"))


def from_books_file(path: str | Path, *, pair: str) -> Levels:
    """A books file (`replay --books-out`): its `consolidated:<PAIR>` entry alone; no database."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise NoBook(f"cannot read books file {path}: {exc.strerror or exc}") from None
    try:
        document = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise BadBook(f"books file {path} is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise BadBook(f"books file {path} is not a JSON object")
    entry = document.get(f"consolidated:{pair}")
    if entry is None:
        have = sorted(k.split(":", 1)[1] for k in document if k.startswith("consolidated:"))
        raise NoBook(
            f"books file {path} has no consolidated:{pair} entry; "
            f"consolidated pairs in it: {', '.join(have) or 'none'}"
        )
    sides = parse_book_json(entry)
    venues_in = sorted({k for side in sides.values() for _, _, parts in side for k in parts})
    return Levels(levels_by_side=sides, venues_in=venues_in, mid=mid_of(sides))


def from_history(*, pair: str, at: datetime) -> Levels:
    """The consolidated book at a past moment: each member's stored book (`book_at`) converted and
    merged by the same ConsolidatedBooks the live feed uses. A member is out of it when nothing of
    it is stored that far back, or when its last stored change is older than its staleness limit
    (the live book was stale, or its venue down, at that moment). Each member's data time is given."""
    from books.consolidated import ConsolidatedBooks
    from books.orderbook import BookState
    from books.selectors import BookNotAvailable, book_at
    from exchanges.models import Instrument
    from exchanges.selectors import instrument_specs

    specs = [s for s in instrument_specs() if (s.kind != "option") and (s.consolidate_into or s.pair) == pair]
    if not specs:
        raise NoBook(f"unknown pair {pair!r}: no enabled instrument joins it")
    books = ConsolidatedBooks(specs)
    rows = {
        i.id: i for i in Instrument.objects.select_related("exchange").filter(id__in=[s.id for s in specs])
    }
    data_times: dict[str, str] = {}
    venues_out: dict[str, str] = {}
    for spec in specs:
        try:
            venue_book = book_at(instrument=rows[spec.id], at=at)
        except BookNotAvailable:
            venues_out[spec.key] = "nothing stored at or before that time"
            continue
        changed = datetime.fromtimestamp(venue_book.updated_at, tz=UTC)
        data_times[spec.key] = changed.isoformat()
        quiet = at.timestamp() - venue_book.updated_at
        if quiet > spec.stale_after:
            venues_out[spec.key] = (
                f"no stored change for {quiet:.0f}s before that time (stale after {spec.stale_after:g}s)"
            )
            continue
        venue_book.state = BookState.LIVE
        books.book_changed(spec, venue_book, ts=at.timestamp(), bids=[], asks=[], snapshot=True)
    book = books.books[pair]
    if not book.venues_in():
        why = "; ".join(f"{k}: {v}" for k, v in venues_out.items())
        raise NoBook(f"no member of {pair} was live at {at.isoformat()} ({why})")
    levels = from_consolidated(book)
    levels.data_times, levels.venues_out = data_times, venues_out
    return levels


def taker_fees() -> dict[str, Decimal]:
    """Every exchange's taker fee by venue id, where one is set (0 is no fee)."""
    from exchanges.models import Exchange

    return {venue: fee for venue, fee in Exchange.objects.values_list("venue", "taker_fee") if fee}
