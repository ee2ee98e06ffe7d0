"""`manage.py sync_instruments [VENUE ...] [--currency C] [--timeout S] [--simulator-url URL]`: load
each venue's instrument list and fill the configured instruments from it (pair, kind, contract size,
tick)."""

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from exchanges.instrument_lists import DERIBIT_CURRENCIES
from exchanges.models import Exchange
from exchanges.selectors import simulator_endpoints
from exchanges.services import instruments_sync
from exchanges.venues import VENUES


class Command(BaseCommand):
    help = "Load the venues' instrument lists (all enabled venues, or those named) and fill instruments from them."

    def add_arguments(self, parser) -> None:
        # No argparse `choices` here: Python 3.11 checks an empty `*` list against them and refuses it.
        parser.add_argument("venues", nargs="*", metavar="VENUE", help=f"venue ids: {', '.join(VENUES)}")
        parser.add_argument(
            "--currency",
            action="append",
            dest="currencies",
            help=f"Deribit currency to list (repeatable; default {', '.join(DERIBIT_CURRENCIES)})",
        )
        parser.add_argument("--timeout", type=float, default=20.0, help="seconds per venue")
        parser.add_argument(
            "--simulator-url",
            default="",
            help="load the lists from a running simulate_exchanges, e.g. http://127.0.0.1:8765 (as runfeeds does)",
        )

    def handle(self, *args, **options) -> None:
        exchanges = self.exchanges(options["venues"])
        if not exchanges:
            raise CommandError("no enabled venue to sync; name one, e.g. `sync_instruments binance`")
        results = instruments_sync(
            exchanges=exchanges,
            currencies=options["currencies"] or DERIBIT_CURRENCIES,
            timeout=options["timeout"],
            rest_urls=self.simulator_rest_urls(options["simulator_url"]),
        )
        failed = 0
        for r in results:
            if not r.ok:
                failed += 1
                self.stderr.write(f"{r.venue}: {r.error}; its stored list is unchanged")
                continue
            fill = r.fill
            line = f"{r.venue}: {r.stored} symbols listed; {len(fill.updated)} instruments updated"
            if fill.updated:
                line += f" ({', '.join(fill.updated)})" + ("" if r.notified else "; feed process not told")
            self.stdout.write(self.style.SUCCESS(line))
            for symbol in fill.missing:
                self.stderr.write(
                    self.style.WARNING(
                        f"{r.venue}:{symbol} is configured but not in the venue's list; check it"
                    )
                )
        if failed:
            raise CommandError(f"{failed} of {len(results)} venues could not be synced (see above)")

    def simulator_rest_urls(self, url: str) -> dict[str, str]:
        if not url:
            return {}
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommandError(f"--simulator-url must look like http://127.0.0.1:8765, not {url!r}")
        endpoints = simulator_endpoints(parts.port or 80, parts.hostname)
        return {venue: e.rest_url for venue, e in endpoints.items()}

    def exchanges(self, venues: list[str]) -> list[Exchange]:
        unknown = [v for v in venues if v not in VENUES]
        if unknown:
            raise CommandError(f"unknown venue {', '.join(unknown)}; known: {', '.join(VENUES)}")
        if not venues:
            return list(Exchange.objects.filter(enabled=True).order_by("venue"))
        found = {e.venue: e for e in Exchange.objects.filter(venue__in=venues)}
        missing = [v for v in venues if v not in found]
        if missing:
            raise CommandError(f"no Exchange row for {', '.join(missing)}; add it in the admin first")
        return [found[v] for v in dict.fromkeys(venues)]
