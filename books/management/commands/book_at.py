"""manage.py book_at VENUE SYMBOL ISO-TIME [--depth N]: a stored book at a past moment, as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from books.selectors import BookNotAvailable, book_at, instrument_by_key
from exchanges.models import Instrument


class Command(BaseCommand):
    help = "Print the exact venue book at a past moment in the books-file format (rebuilt from ticks)."

    def add_arguments(self, parser):
        parser.add_argument("venue", help="venue id, e.g. binance")
        parser.add_argument("symbol", help="the venue's symbol, e.g. BTCUSDT")
        parser.add_argument("time", help="ISO 8601 time, e.g. 2026-11-25T07:00:00Z (no zone: UTC)")
        parser.add_argument("--depth", type=int, default=None, help="levels per side (default: all)")

    def handle(self, *args, **options):
        try:
            at = datetime.fromisoformat(options["time"].replace("Z", "+00:00"))
        except ValueError:
            raise CommandError(f"not an ISO 8601 time: {options['time']!r}") from None
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
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
