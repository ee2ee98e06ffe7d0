"""manage.py book_at VENUE SYMBOL ISO-TIME [--depth N]: a stored book at a past moment, as JSON.

stdout is the books-file format (so it compares with `replay --books-out`); stderr says the time of
the data the book comes from: the last stored change at or before the time asked."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from books.selectors import BookNotAvailable, book_at, instrument_by_key
from exchanges.models import Instrument

# Past this, say plainly that nothing was stored between the data and the time asked: a quiet book
# looks the same as a feed that was down, and the user should know which question is open.
QUIET_NOTE_AFTER = 60.0  # seconds


class Command(BaseCommand):
    help = (
        "Print the exact venue book at a past moment in the books-file format (rebuilt from ticks); "
        "stderr gives the time of the data it comes from."
    )

    def add_arguments(self, parser):
        parser.add_argument("venue", help="venue id, e.g. binance")
        parser.add_argument("symbol", help="the venue's symbol, e.g. BTCUSDT")
        parser.add_argument(
            "time", help="ISO 8601 time, e.g. 2026-11-25T07:00:00Z (no zone: UTC); not in the future"
        )
        parser.add_argument("--depth", type=int, default=None, help="levels per side (default: all)")

    def handle(self, *args, **options):
        try:
            at = datetime.fromisoformat(options["time"].replace("Z", "+00:00"))
        except ValueError:
            raise CommandError(f"not an ISO 8601 time: {options['time']!r}") from None
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        now = timezone.now()
        if at > now:
            # What is stored now says nothing about a later moment: refuse rather than pass it off.
            raise CommandError(
                f"{_iso(at)} is in the future (now {_iso(now)}): no book is known for it; ask for a time up to now"
            )
        if options["depth"] is not None and options["depth"] < 1:
            raise CommandError("--depth must be at least 1")
        try:
            instrument = instrument_by_key(venue=options["venue"], symbol=options["symbol"])
        except Instrument.DoesNotExist:
            raise CommandError(f"unknown instrument {options['venue']}:{options['symbol']}") from None
        try:
            book = book_at(instrument=instrument, at=at, depth=options["depth"])
        except BookNotAvailable as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps({book.key: book.to_json(options["depth"])}, indent=1))
        self.stderr.write(_data_time_note(book.key, at, datetime.fromtimestamp(book.updated_at, UTC)))


def _data_time_note(key: str, at: datetime, data: datetime) -> str:
    note = f"{key} as of {_iso(data)}: the last stored change at or before {_iso(at)}"
    gap = (at - data).total_seconds()
    if gap > QUIET_NOTE_AFTER:
        note += (
            f"; nothing was stored in the {gap:,.0f} s before the time asked "
            f"(a quiet book, or the feed was not recording: later changes may be missing)"
        )
    return note


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
