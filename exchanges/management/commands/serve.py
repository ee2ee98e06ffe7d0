"""`manage.py serve [--simulate] [--host H] [--port P]`: the all-in-one embedded default.

Web (daphne: admin, pages, API, WebSockets), the feed process and the periodic jobs share one
event loop, so the in-memory channel layer connects them without Redis.
"""

import asyncio

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve web, feeds and periodic jobs in one process (the embedded default of `make run`)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--simulate", action="store_true", help="stream from the built-in simulator")
        parser.add_argument("--simulator-port", type=int, default=0)
        parser.add_argument("--faults", default="none", help="simulator fault spec")
        parser.add_argument("--no-feeds", action="store_true", help="web only")

    def handle(self, *args, **options) -> None:
        # daphne.server installs Twisted's asyncio reactor: it must be imported before Twisted is.
        from daphne.server import Server, twisted_loop
        from twisted.internet import defer, reactor

        from exchanges.feedprocess import FeedProcess, FeedProcessOptions
        from marketagg.asgi import application
        from marketagg.scheduler import Scheduler

        tasks: list[asyncio.Task] = []
        feeds = FeedProcess(
            FeedProcessOptions(
                simulate=options["simulate"],
                simulator_port=options["simulator_port"],
                simulator_faults=options["faults"],
            )
        )
        scheduler = Scheduler()

        def start() -> None:
            if not options["no_feeds"]:
                tasks.append(twisted_loop.create_task(feeds.run()))
            tasks.append(twisted_loop.create_task(scheduler.run()))
            url = f"http://{options['host']}:{options['port']}/"
            self.stdout.write(f"marketagg serving on {url} (admin: {url}admin/); Ctrl-C stops")

        async def stop() -> None:
            feeds.stop()
            scheduler.stop()
            await asyncio.wait(tasks, timeout=5)

        reactor.addSystemEventTrigger(
            "before",
            "shutdown",
            lambda: defer.Deferred.fromFuture(asyncio.ensure_future(stop(), loop=twisted_loop)),
        )
        server = _listen_aware(Server)(
            application,
            endpoints=[f"tcp:port={options['port']}:interface={options['host']}"],
            signal_handlers=True,
            ready_callable=start,
        )
        server.run()
        if server.listen_failure:
            # Daphne only logs a failed listen and returns: without this the command "succeeds".
            raise CommandError(
                f"cannot listen on {options['host']}:{options['port']}: {server.listen_failure}. "
                f"Is another server using the port? Choose another, e.g. `make demo PORT=8001` "
                f"(`make run PORT=8001`) or `manage.py serve --port 8001`."
            )


def _listen_aware(server_class: type) -> type:
    """Daphne's server class, remembering why listening failed (it then starts nothing)."""

    class ListenAwareServer(server_class):
        listen_failure = ""

        def listen_error(self, failure) -> None:
            # Twisted's CannotListenError carries the socket's own error ("Address already in use").
            self.listen_failure = str(getattr(failure.value, "socketError", "") or failure.getErrorMessage())
            super().listen_error(failure)

    return ListenAwareServer
