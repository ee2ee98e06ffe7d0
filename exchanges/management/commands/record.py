"""`manage.py record --out FILE [--duration S] [--simulate]`

Streams the enabled instruments like `runfeeds` and writes everything on the wire to a capture
file (docs/captures.md): socket opens, frames sent and received, REST bodies. Stops
after --duration seconds or on SIGTERM/SIGINT, flushing the file. What it writes, `replay`
serves: URLs of the simulator or of an endpoint override are written as the venue's real ones,
so the hosts in the file name the venue.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exchanges.capture import CaptureWriter
from exchanges.selectors import instrument_specs, venue_endpoints
from exchanges.types import Endpoints, InstrumentSpec
from exchanges.venues import VENUES


def real_urls(endpoints: dict[str, Endpoints]) -> dict[str, str]:
    """URL prefix -> the venue's real one, for every endpoint that is not the real exchange."""
    out: dict[str, str] = {}
    for venue, ep in endpoints.items():
        default = Endpoints.default(venue)
        out[ep.ws_url] = default.ws_url
        out[ep.rest_url] = default.rest_url
    return out


class Command(BaseCommand):
    help = "Record the live exchange traffic of the enabled instruments to a capture file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, metavar="FILE", help="capture file to write (JSON lines)")
        parser.add_argument("--duration", type=float, default=None, metavar="S", help="stop after S seconds")
        parser.add_argument(
            "--simulate", action="store_true", help="record the built-in simulator, not the exchanges"
        )

    def handle(self, *args, **options) -> None:
        duration = options["duration"]
        if duration is not None and not duration > 0:
            raise CommandError("--duration must be a positive number of seconds")
        specs = [s for s in instrument_specs() if s.venue in VENUES]
        if not specs:
            raise CommandError("no enabled instruments to record (enable some in the admin)")
        endpoints = venue_endpoints()
        try:
            writer = CaptureWriter(options["out"])
        except OSError as exc:
            raise CommandError(f"cannot write {options['out']}: {exc.strerror or exc}") from None
        started = time.monotonic()
        try:
            asyncio.run(
                self._record(specs, endpoints, writer, duration=duration, simulate=options["simulate"])
            )
        finally:
            writer.close()
        counts = ", ".join(f"{n} {kind}" for kind, n in writer.counts.items())
        self.stdout.write(
            f"recorded {writer.lines} lines ({counts}) in {time.monotonic() - started:.1f} s to {options['out']}"
        )

    async def _record(
        self,
        specs: list[InstrumentSpec],
        endpoints: dict[str, Endpoints],
        writer: CaptureWriter,
        *,
        duration: float | None,
        simulate: bool,
    ) -> None:
        from exchanges.feedsettings import feed_options_from_settings
        from exchanges.supervisor import FeedSupervisor

        simulator = None
        if simulate:
            try:
                from exchanges.simulator import Simulator
            except ImportError as exc:
                raise CommandError(
                    f"--simulate needs the built-in simulator (exchanges.simulator): {exc}"
                ) from None
            simulator = Simulator()
            await simulator.start(host="127.0.0.1", port=0)
            endpoints = simulator.endpoints()
        writer.set_rewrite(real_urls(endpoints))
        supervisor = FeedSupervisor(
            specs=specs, endpoints=endpoints, options=feed_options_from_settings(tap=writer)
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        handled = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            # Only the main thread may set signal handlers; elsewhere --duration is the way out.
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
                handled.append(sig)
        task = loop.create_task(supervisor.run(), name="record-supervisor")
        self.stdout.write(
            f"recording {len(specs)} instruments to {writer.path}"
            + (f" for {duration:g} s" if duration else " until SIGTERM/SIGINT")
        )
        try:
            waiter = loop.create_task(stop.wait())
            await asyncio.wait([waiter, task], timeout=duration, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            if task.done() and task.exception() is not None:
                raise CommandError(f"the feed supervisor stopped: {task.exception()!r}")
        finally:
            await supervisor.stop()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, 10)
            for sig in handled:
                loop.remove_signal_handler(sig)
            if simulator is not None:
                await simulator.stop()
