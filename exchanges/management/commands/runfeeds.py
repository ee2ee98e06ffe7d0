"""`manage.py runfeeds [--simulate]`: every exchange connection and in-memory book, until SIGTERM."""

import asyncio
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exchanges.feedprocess import FeedProcess, FeedProcessOptions


class Command(BaseCommand):
    help = "Run the feed process: exchange connections, live books, tick storage, status."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--simulate", action="store_true", help="stream from the built-in exchange simulator"
        )
        parser.add_argument("--simulator-port", type=int, default=0)
        parser.add_argument(
            "--rate", type=float, default=10.0, help="simulator depth messages/s per instrument"
        )
        parser.add_argument(
            "--faults", default="none", help="simulator fault spec, e.g. gap=0.01,disconnect=0.001"
        )
        parser.add_argument("--no-store", action="store_true", help="keep books in memory only")
        parser.add_argument("--simulator-url", default="", help="stream from a running simulate_exchanges")
        parser.add_argument("--books-out", default="", help="write every live book to this JSON file at stop")
        parser.add_argument(
            "--shard",
            default=settings.MARKETAGG["FEED_SHARD"],
            help="i/n: hold the i-th of n shares of the pairs, e.g. 1/2 (default MARKETAGG_FEED_SHARD, blank: all)",
        )
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=settings.MARKETAGG["FEEDS_METRICS_PORT"],
            help="serve Prometheus metrics of the feed process here (0: off)",
        )

    def handle(self, *args, **options) -> None:
        from exchanges.sharding import Shard

        try:
            Shard.parse(options["shard"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        process = FeedProcess(
            FeedProcessOptions(
                simulate=options["simulate"],
                simulator_port=options["simulator_port"],
                simulator_rate=options["rate"],
                simulator_faults=options["faults"],
                store=not options["no_store"],
                metrics_port=options["metrics_port"],
                simulator_url=options["simulator_url"],
                books_out=options["books_out"],
                shard=options["shard"] or "",
            )
        )
        asyncio.run(self.main(process))

    async def main(self, process: FeedProcess) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, process.stop)
        await process.run()
