"""`manage.py replay CAPTURE [--speed max|N] [--books-out FILE] [--store] [--quiet]`

Serves a recorded capture as if it were the exchanges, runs the project's real connectors
against it, and writes the books they built (docs/captures.md): each venue book, and each
consolidated book under "consolidated:<PAIR>".
"""

from __future__ import annotations

import asyncio
import logging
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exchanges.booksfile import write_books
from exchanges.capture import CaptureError, read_capture
from exchanges.replay.discovery import discover_specs
from exchanges.replay.runner import ReplayError, ReplayResult, run_replay


def parse_speed(text: str) -> float | None:
    """`max`: as fast as the client reads (None); N: N times the recorded pace."""
    if text.lower() == "max":
        return None
    try:
        speed = float(text)
    except ValueError:
        raise CommandError(f"--speed must be 'max' or a positive number, not {text!r}") from None
    if not speed > 0 or speed == float("inf"):
        raise CommandError(f"--speed must be 'max' or a positive number, not {text!r}")
    return speed


class Command(BaseCommand):
    help = (
        "Replay a recorded capture through the real connectors; print what they built. "
        "Consolidated books: instruments take pair, kind and contract size from the capture's "
        "recorded instrument lists; a USD-quoted perpetual on binance-coinm or deribit merges into "
        "BASE-USDT (as the seeded defaults do), dated futures and other instruments stay in their "
        "own pair, options and instruments without a listed pair are in none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("capture", help="capture file (JSON lines: t, ts, url, data)")
        parser.add_argument(
            "--speed",
            default="max",
            help="'max' (default): as fast as the client reads; N: N times the recorded pace",
        )
        parser.add_argument(
            "--books-out",
            metavar="FILE",
            help="write every live venue book and every consolidated book (consolidated:<PAIR>) here (books-file JSON)",
        )
        parser.add_argument(
            "--store", action="store_true", help="store the replayed ticks like the live feed does"
        )
        parser.add_argument("--quiet", action="store_true", help="print nothing but errors")

    def handle(self, *args, **options) -> None:
        speed = parse_speed(options["speed"])
        try:
            lines = read_capture(options["capture"])
        except CaptureError as exc:
            raise CommandError(str(exc)) from None
        if not lines:
            raise CommandError(f"capture {options['capture']} is empty")
        specs = discover_specs(lines)
        sink = None
        if options["store"]:
            specs, sink = self._storage(specs)
        self.quiet = options["quiet"]
        self._progress_shown = False
        if self.quiet:
            logging.disable(logging.WARNING)  # bad frames of a fault-injected capture are expected
        try:
            result = asyncio.run(self._run(lines, speed, specs, sink))
        except ReplayError as exc:
            raise CommandError(str(exc)) from None
        finally:
            if sink is not None:
                sink.close()  # flushes every stored tick; blocking, so after the loop is done
            if self.quiet:
                logging.disable(logging.NOTSET)
            if self._progress_shown:
                sys.stderr.write("\n")
                sys.stderr.flush()
        if options["books_out"]:
            try:
                write_books(options["books_out"], result.venue_books, result.consolidated)
            except OSError as exc:
                raise CommandError(f"cannot write {options['books_out']}: {exc.strerror or exc}") from None
        if not self.quiet:
            self._summary(options["capture"], result, options["books_out"])

    async def _run(self, lines, speed, specs, sink) -> ReplayResult:
        progress = self._progress if (not self.quiet and sys.stderr.isatty()) else None
        return await run_replay(lines, speed=speed, specs=specs, sink=sink, progress=progress)

    def _storage(self, specs):
        """The live feed's storage path: instruments get database rows and ids, ticks go to the recorder.

        Both run here, before the event loop starts, on this thread's own database connection.
        """
        try:
            from books.recorder import build_recorder
            from books.services import ensure_instruments
        except ImportError as exc:
            raise CommandError(
                f"--store needs books.services.ensure_instruments and books.recorder: {exc}"
            ) from None
        return ensure_instruments(specs=specs), build_recorder()

    def _progress(self, server, supervisor) -> None:
        stats = supervisor.stats()["venues"]
        live = sum(v.get("books_live", 0) for v in stats.values())
        books = sum(v.get("books", 0) for v in stats.values())
        gaps = sum(v.get("gaps", 0) for v in stats.values())
        line = (
            f"\rreplay: {server.frames_sent}/{server.frames_total} frames"
            f"  books {live}/{books} live  gaps {gaps}" + ("  (settling)" if server.exhausted else "")
        )
        sys.stderr.write(line.ljust(72))
        sys.stderr.flush()
        self._progress_shown = True

    def _summary(self, capture: str, result: ReplayResult, books_out: str | None) -> None:
        out = self.stdout
        out.write(f"replayed {capture} in {result.elapsed:.1f} s ({result.outcome})")
        header = f"{'venue':<15}{'frames':>14}{'books':>8}{'built':>7}{'gaps':>6}{'resyncs':>9}{'malformed':>11}{'unknown':>9}{'reconnects':>12}"
        out.write(header)
        venues = result.stats.get("venues", {})
        for venue in sorted(set(venues) | set(result.frames)):
            v = venues.get(venue, {})
            sent, total = result.frames.get(venue, (0, 0))
            built = sum(1 for key in result.books if key.split(":", 1)[0] == venue)
            out.write(
                f"{venue:<15}{f'{sent}/{total}':>14}{v.get('books', 0):>8}{built:>7}{v.get('gaps', 0):>6}"
                f"{v.get('resyncs', 0):>9}{v.get('malformed', 0):>11}{v.get('unknown', 0):>9}{v.get('reconnects', 0):>12}"
            )
        if result.outcome != "settled":
            out.write(
                self.style.WARNING(
                    f"the client had not settled when the replay stopped ({result.outcome}): "
                    "some books may still have been syncing"
                )
            )
        for key, book in sorted(result.consolidated.items()):
            out.write(f"{key}: {len(book['bids'])} bids, {len(book['asks'])} asks")
        if books_out:
            out.write(
                f"{len(result.books)} books and {len(result.consolidated)} consolidated books written to {books_out}"
            )
