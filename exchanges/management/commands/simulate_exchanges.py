"""`manage.py simulate_exchanges`: the built-in exchange simulator as a process of its own.

Runs until SIGTERM or SIGINT, then closes every connection and stops. The endpoints it prints are
what goes into the admin's endpoint overrides (Exchange.ws_url / rest_url).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Binance (spot, USD-M, COIN-M) and Deribit protocols locally with random-walk books."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--port",
            type=int,
            default=settings.MARKETAGG["SIMULATOR_PORT"],
            help="default MARKETAGG_SIMULATOR_PORT (8765); 0: any free port",
        )
        parser.add_argument(
            "--rate", type=float, default=10.0, help="depth messages per second per instrument"
        )
        parser.add_argument(
            "--faults", default="none", help='e.g. "gap=0.02,disconnect=0.002", "all", "none"'
        )
        parser.add_argument("--seed", default="0", help="same seed, same books")
        parser.add_argument(
            "--instruments",
            type=int,
            default=None,
            metavar="N",
            help="list N instruments: the built-in catalog, then made-up coins X001, X002... on "
            "Binance spot, USD-M and COIN-M (default: the catalog)",
        )
        parser.add_argument(
            "--only",
            default="",
            metavar="VENUE:SYMBOL,...",
            help='list only these, e.g. "binance:BTCUSDT,deribit:BTC-PERPETUAL" (out of the '
            "catalog, or of the --instruments N): no book moves that nobody reads",
        )

    def handle(self, *args, **options) -> None:
        from exchanges.simulator import FaultSpec
        from exchanges.simulator.catalog import instruments, only

        try:
            faults = FaultSpec.parse(options["faults"])
            catalog = instruments(options["instruments"])
            if options["only"]:
                catalog = only(options["only"].split(","), catalog)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        asyncio.run(self.serve(options, faults, catalog))

    async def serve(self, options: dict, faults, catalog: list) -> None:
        from exchanges.simulator import Simulator
        from marketagg.tuning import tune_feed_process

        sim = Simulator(seed=options["seed"], rate=options["rate"], faults=faults, instruments=catalog)
        try:
            await sim.start(host=options["host"], port=options["port"])
        except OSError as exc:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from None
        # A venue that stalls is not what a client's latency should measure: the feed process's
        # collector settings keep the simulator's books out of its full collections (marketagg/tuning.py).
        tune_feed_process()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            # Only the main thread may set signal handlers; elsewhere the caller stops us.
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        self.stdout.write(
            f"exchange simulator on {sim.host}:{sim.port} ({len(catalog)} instruments, faults: {faults}, "
            f"seed {options['seed']})"
        )
        for venue, ep in sim.endpoints().items():
            self.stdout.write(f"  {venue:14} ws {ep.ws_url}  rest {ep.rest_url}")
        self.stdout.write(
            f"  truth: http://{sim.host}:{sim.port}/truth/<venue>/<symbol>; SIGTERM or Ctrl-C stops"
        )
        self.stdout.flush()
        try:
            await stop.wait()
        finally:
            await sim.stop()
            self.stdout.write("exchange simulator stopped")
