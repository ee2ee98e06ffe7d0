"""`Simulator`: one aiohttp server speaking Binance (spot, USD-M, COIN-M) and Deribit, with
random-walk books, fault injection and an in-process API for tests."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter
from dataclasses import fields

from aiohttp import web

from exchanges.simulator import control
from exchanges.simulator.appkeys import SIM
from exchanges.simulator.catalog import CATALOG, SimInstrument
from exchanges.simulator.faults import FaultDice, FaultSpec
from exchanges.simulator.market import Market
from exchanges.simulator.options import SimOptions
from exchanges.simulator.outbox import Outbox
from exchanges.simulator.ratelimit import WeightMeter
from exchanges.simulator.routes import add_routes
from exchanges.simulator.truth_book import TruthBook
from exchanges.types import Endpoints, InstrumentSpec

VENUE_IDS = ("binance", "binance-usdm", "binance-coinm", "deribit")
_OPTION_NAMES = {f.name for f in fields(SimOptions)}


class Simulator:
    """Usage::

        sim = Simulator(seed=1, rate=20.0, faults=FaultSpec.parse("gap=0.01"), stall_seconds=0.5)
        await sim.start(host="127.0.0.1", port=0)
        sim.endpoints()["binance"].ws_url
        ...
        await sim.stop()

    Keyword options are the fields of `SimOptions`. `rate=0` moves books only on `advance(n)`.
    """

    def __init__(
        self,
        seed: object = 0,
        rate: float = 10.0,
        faults: FaultSpec | None = None,
        *,
        instruments: list[SimInstrument] | None = None,
        **options,
    ) -> None:
        unknown = set(options) - _OPTION_NAMES
        if unknown:
            raise TypeError(f"unknown simulator options: {', '.join(sorted(unknown))}")
        self.seed = seed
        self.options = SimOptions(rate=rate, **options)
        self.faults = faults or FaultSpec()
        self.counts: Counter = Counter()
        self.catalog = list(instruments or CATALOG)
        self.market = Market(self.catalog, seed=seed, options=self.options)
        self.dice = FaultDice(f"{seed}:rest", self.counts)
        self._conn_ids = itertools.count(1)
        self._outboxes: set[Outbox] = set()
        self._weights: dict[str, WeightMeter] = {}
        self._runner: web.AppRunner | None = None
        self._clock: asyncio.Task | None = None
        self.host = "127.0.0.1"
        self.port: int | None = None

    # ---- life ---------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 8765) -> Simulator:
        app = web.Application(middlewares=[control.refuse_stopped_venues])
        app[SIM] = self
        add_routes(app)
        # Handlers get a moment to finish on stop instead of aiohttp's long default grace.
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self.port = site._server.sockets[0].getsockname()[1]
        self._clock = asyncio.get_running_loop().create_task(self.market.run(), name="simulator-clock")
        return self

    async def stop(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._clock
            self._clock = None
        for outbox in list(self._outboxes):
            await outbox.close(code=1001, message=b"simulator stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ---- what tests read ----------------------------------------------------------------
    def endpoints(self) -> dict[str, Endpoints]:
        base = f"{self.host}:{self.port}"
        out = {}
        for venue in VENUE_IDS:
            ws = f"ws://{base}/{venue}" + ("/ws/api/v2" if venue == "deribit" else "")
            out[venue] = Endpoints(ws_url=ws, rest_url=f"http://{base}/{venue}")
        return out

    def true_book(self, venue: str, symbol: str) -> TruthBook:
        """The truth itself (not a copy): read it, do not change it. `.sequence` is the last
        Binance `u` / Deribit `change_id` generated."""
        walk = self.market.walk(venue, symbol)
        if walk is None:
            raise KeyError(f"{venue}:{symbol} is not simulated")
        return walk.truth

    def instruments(self) -> list[InstrumentSpec]:
        return [i.spec() for i in self.catalog]

    def instruments_of(self, venue: str) -> list[SimInstrument]:
        return [i for i in self.catalog if i.venue == venue]

    def stats(self) -> dict:
        counts = dict(self.counts)
        return {
            "faults": {k: v for k, v in counts.items() if k in _FAULT_KEYS},
            "messages_sent": counts.get("messages_sent", 0),
            "connections_opened": counts.get("connections_opened", 0),
            "connections_open": len(self._outboxes),
            "rest_requests": counts.get("rest_requests", 0),
            "events": self.market.events,
            "trades": self.market.trades,
            "paused": self.market.paused,
            "fault_spec": str(self.faults),
            "counts": counts,
        }

    # ---- what tests change --------------------------------------------------------------
    def set_faults(self, faults: FaultSpec) -> None:
        self.faults = faults

    def pause(self) -> None:
        """No more book changes or trades; connections stay open and heartbeats go on."""
        self.market.pause()

    def resume(self) -> None:
        self.market.paused = False

    def advance(self, steps: int = 1) -> None:
        """Move every book `steps` events now, paused or not (deterministic tests use rate=0)."""
        self.market.advance(steps)

    # ---- for the handlers ---------------------------------------------------------------
    def new_outbox(self, ws: web.WebSocketResponse, request: web.Request, *, shutdown_frame) -> Outbox:
        number = next(self._conn_ids)
        outbox = Outbox(
            ws,
            request,
            dice=FaultDice(f"{self.seed}:conn:{number}", self.counts),
            faults=lambda: self.faults,
            options=self.options,
            counts=self.counts,
            shutdown_frame=shutdown_frame,
        )
        self._outboxes.add(outbox)
        self.counts["connections_opened"] += 1
        return outbox

    def connection_closed(self, outbox: Outbox) -> None:
        self._outboxes.discard(outbox)
        self.counts["connections_closed"] += 1

    def weight(self, venue: str) -> WeightMeter:
        meter = self._weights.get(venue)
        if meter is None:
            meter = self._weights[venue] = WeightMeter()
        return meter


_FAULT_KEYS = {f.name for f in fields(FaultSpec)} | {"rest429_weight", "slow_client_closed"}
