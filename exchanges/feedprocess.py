"""The feed process: supervisor, sinks, control channel and status, started and stopped as one.

`runfeeds` runs it alone; `serve` runs it beside the web server in the same event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from exchanges import metrics
from exchanges.booksfile import write_books
from exchanges.connectors import FeedOptions
from exchanges.feedsettings import feed_options_from_settings
from exchanges.selectors import instrument_specs, simulator_endpoints, venue_endpoints
from exchanges.sharding import Shard, shard_specs
from exchanges.sinks import FeedSinks, build_feed_sinks
from exchanges.status import StatusBoard, feed_states_clear
from exchanges.supervisor import FeedSupervisor
from marketagg.logging import get_logger
from marketagg.tuning import tune_feed_process

log = get_logger("exchanges.feedprocess")


@dataclass
class FeedProcessOptions:
    simulate: bool = False  # start the built-in simulator and stream from it
    simulator_port: int = 0  # 0: any free port
    simulator_rate: float = 10.0
    simulator_faults: str = "none"
    store: bool = True  # write ticks and snapshots to the database
    metrics_port: int = 0  # serve /metrics of this process on a port of its own (0: no)
    simulator_url: str = ""  # an already running `simulate_exchanges`, e.g. http://127.0.0.1:8765
    books_out: str = ""  # at stop, write every live book here (the captures README's books file)
    feed_options: FeedOptions | None = None
    shard: str = ""  # "i/n": this process holds the i-th of n shares of the pairs (exchanges.sharding)


class FeedProcess:
    def __init__(self, options: FeedProcessOptions | None = None, *, layer=None) -> None:
        self.options = options or FeedProcessOptions()
        self.supervisor: FeedSupervisor | None = None
        self.simulator = None
        self.recorder = None
        self.board: StatusBoard | None = None
        self.consolidated = None  # books.consolidated.ConsolidatedBooks, once running
        self.publisher = None  # books.live.LivePublisher
        self.sinks: FeedSinks | None = None
        self.layer = layer
        self.ready = asyncio.Event()
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def my_specs(self) -> list:
        """The enabled instruments this process streams: all of them, or its shard's share."""
        return shard_specs(await sync_to_async(instrument_specs)(), Shard.parse(self.options.shard))

    async def run(self) -> None:
        opts = self.options
        endpoints = await sync_to_async(venue_endpoints)()
        if opts.simulate:
            from exchanges.simulator import FaultSpec, Simulator

            self.simulator = Simulator(
                rate=opts.simulator_rate, faults=FaultSpec.parse(opts.simulator_faults)
            )
            await self.simulator.start(host="127.0.0.1", port=opts.simulator_port)
            endpoints = self.simulator.endpoints()
            log.info("simulator started", port=self.simulator.port)
        elif opts.simulator_url:
            url = urlsplit(opts.simulator_url)
            endpoints = simulator_endpoints(url.port or 80, url.hostname or "127.0.0.1")
        specs = await self.my_specs()
        self.layer = self.layer or get_channel_layer()
        self.sinks = built = await sync_to_async(build_feed_sinks)(specs, layer=self.layer, store=opts.store)
        self.board, self.consolidated, self.publisher = built.board, built.consolidated, built.publisher
        self.recorder = built.recorder
        await sync_to_async(feed_states_clear)(keys=[s.key for s in specs] if self.options.shard else None)
        self.supervisor = FeedSupervisor(
            specs=specs,
            endpoints=endpoints,
            sink=built.sink,
            options=opts.feed_options or feed_options_from_settings(),
        )
        collector = metrics.register(self.supervisor)
        if opts.metrics_port:
            # runfeeds is its own process: it serves its counters itself (serve shares /metrics).
            from prometheus_client import start_http_server

            start_http_server(opts.metrics_port, addr="127.0.0.1" if opts.simulate else "0.0.0.0")
        tune_feed_process()
        log.info("feeds starting", instruments=[s.key for s in specs], simulate=opts.simulate)
        tasks = [
            asyncio.create_task(self.supervisor.run(), name="supervisor"),
            asyncio.create_task(self.board.run(self.supervisor), name="status"),
            asyncio.create_task(self.listen(), name="control"),
            asyncio.create_task(self.publisher.run(), name="live-publisher"),
        ]
        self.ready.set()
        stop = asyncio.create_task(self._stop.wait())
        await asyncio.wait([stop, tasks[0]], return_when=asyncio.FIRST_COMPLETED)
        try:
            await self.shutdown(tasks)
        finally:
            metrics.unregister(collector)

    async def shutdown(self, tasks: list[asyncio.Task]) -> None:
        """Stop in order: no new data, flush what is held, close the simulator last."""
        log.info("feeds stopping")
        if self.options.books_out:
            count = write_books(self.options.books_out, self.supervisor.books(), self.consolidated)
            log.info("books written", path=self.options.books_out, books=count)
        await self.supervisor.stop()
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(tasks[0]), 4)
        for task in tasks[1:]:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        if self.sinks is not None:
            await asyncio.to_thread(self.sinks.close)  # flushes the ticks and the metrics' last bars
        if self.simulator is not None:
            await self.simulator.stop()
        log.info("feeds stopped")

    async def listen(self) -> None:
        """Control messages from the admin: applied here, within a moment, without a restart.

        The admin sends to one named channel, which one reader takes. A shard (`--shard i/n`)
        therefore also reads a channel of its own and passes what it takes from the shared one on
        to the other shards', so every shard applies every admin change (an enable or disable can
        move pairs between shards)."""
        base = settings.MARKETAGG["CONTROL_CHANNEL"]
        shard = Shard.parse(self.options.shard)
        if shard is None or shard.count == 1:
            await self._listen_on(base, forward_to=[])
            return
        mine = shard_channel(base, shard.index, shard.count)
        others = [shard_channel(base, j, shard.count) for j in range(shard.count) if j != shard.index]
        await asyncio.gather(self._listen_on(base, forward_to=others), self._listen_on(mine, forward_to=[]))

    async def _listen_on(self, channel: str, *, forward_to: list[str]) -> None:
        failures = 0
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a Redis blip must not end admin control for good
                failures += 1
                if failures == 1:
                    log.warning("control channel unavailable; retrying", error=str(exc) or type(exc).__name__)
                await asyncio.sleep(min(5.0, 0.1 * 2**failures))
                continue
            if failures:
                log.info("control channel back", failed_reads=failures)
                failures = 0
            for other in forward_to:
                try:
                    await self.layer.send(other, message)
                except Exception:
                    log.exception("control message not passed on to a shard", channel=other)
            try:
                specs = None
                if message.get("action") in ("enable", "disable", "reload"):
                    specs = await self.my_specs()
                done = await self.supervisor.apply_control(message, specs=specs)
                if specs is not None:
                    self.consolidated.set_specs(specs)  # a disabled instrument leaves its book
                log.info("control message", action=message.get("action"), result=done)
            except Exception:
                log.exception("control message failed", message=message)


def shard_channel(base: str, index: int, count: int) -> str:
    """The control channel of one shard (0-based index)."""
    return f"{base}.shard-{index + 1}-of-{count}"


__all__ = ["FeedProcess", "FeedProcessOptions", "simulator_endpoints"]
