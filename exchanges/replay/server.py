"""All the hosts of a capture, each on its own local port, and where each venue should connect."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from aiohttp import web

from exchanges.capture import CaptureLine
from exchanges.replay.http_host import HttpHost
from exchanges.replay.pacing import Pacer
from exchanges.replay.rpc import Responder
from exchanges.replay.script import HttpAnswers, ReplayScript, WsTimeline, build_script
from exchanges.replay.ws_host import WsHost
from exchanges.types import Endpoints
from exchanges.venues import VENUES


@dataclass
class _Site:
    runner: web.AppRunner
    port: int


async def _serve(handler) -> _Site:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return _Site(runner, port)


class ReplayServer:
    """Serves a capture on 127.0.0.1: one server per recorded WebSocket host and per REST host.

    Every venue of the capture gets both (an empty one answers 404 / sends nothing), so a
    replaying client never reaches out to a real exchange.
    """

    def __init__(self, lines: list[CaptureLine] | ReplayScript, *, speed: float | None = None) -> None:
        self.script = lines if isinstance(lines, ReplayScript) else build_script(lines)
        self.pacer = Pacer(speed=speed, first_ts=self.script.first_ts)
        self.ws_hosts: dict[str, WsHost] = {}
        self.http_hosts: dict[str, HttpHost] = {}
        self._sites: dict[tuple[str, str], _Site] = {}
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> ReplayServer:
        script = self.script
        timelines = dict(script.ws)
        answers = dict(script.http)
        for venue in sorted(script.venues):
            if not any(t.venue == venue for t in timelines.values()):
                timelines[f"(no websocket recorded for {venue})"] = WsTimeline(f"{venue}-ws", venue)
            if not any(a.venue == venue for a in answers.values()):
                answers[f"(no http recorded for {venue})"] = HttpAnswers(f"{venue}-rest", venue)
        for name, timeline in timelines.items():
            host = WsHost(
                timeline,
                pacer=self.pacer,
                responder=Responder(order_books=script.order_books.get(timeline.venue)),
            )
            self.ws_hosts[name] = host
            self._sites[("ws", name)] = await _serve(host.handle)
            self._tasks.append(asyncio.get_running_loop().create_task(host.run(), name=f"replay-ws-{name}"))
        for name, recorded in answers.items():
            http = HttpHost(recorded)
            self.http_hosts[name] = http
            self._sites[("http", name)] = await _serve(http.handle)
        return self

    # ---- where clients go ----------------------------------------------------------------
    def ws_url(self, host: str) -> str:
        return f"ws://127.0.0.1:{self._sites[('ws', host)].port}"

    def http_url(self, host: str) -> str:
        return f"http://127.0.0.1:{self._sites[('http', host)].port}"

    def endpoints(self) -> dict[str, Endpoints]:
        """venue -> Endpoints. Where a venue has several recorded hosts, the busiest one serves it."""
        out: dict[str, Endpoints] = {}
        for venue in sorted(self.script.venues):
            ws = max((h for h in self.ws_hosts.values() if h.venue == venue), key=lambda h: h.total)
            rest = max(
                (h for h in self.http_hosts.values() if h.venue == venue),
                key=lambda h: sum(len(b) for b in h.bodies.values()),
            )
            ws_name = next(n for n, h in self.ws_hosts.items() if h is ws)
            rest_name = next(n for n, h in self.http_hosts.items() if h is rest)
            # Binance connectors append their own `/stream?...` paths; Deribit connects to
            # ws_url exactly. The replayed host ignores paths either way.
            ws_url = self.ws_url(ws_name)
            if VENUES[venue].family == "deribit":
                ws_url += "/ws/api/v2"
            out[venue] = Endpoints(ws_url=ws_url, rest_url=self.http_url(rest_name))
        return out

    # ---- progress ------------------------------------------------------------------------
    @property
    def exhausted(self) -> bool:
        return all(h.exhausted.is_set() for h in self.ws_hosts.values())

    @property
    def pacing(self) -> bool:
        """Some host is holding a frame back until its recorded time (--speed N)."""
        return any(h.pacing for h in self.ws_hosts.values())

    async def wait_exhausted(self) -> None:
        for host in self.ws_hosts.values():
            await host.exhausted.wait()

    def frames(self) -> dict[str, tuple[int, int]]:
        """venue -> (frames sent, frames recorded)."""
        out: dict[str, tuple[int, int]] = {}
        for host in self.ws_hosts.values():
            sent, total = out.get(host.venue, (0, 0))
            out[host.venue] = (sent + host.sent, total + host.total)
        return out

    @property
    def frames_sent(self) -> int:
        return sum(h.sent for h in self.ws_hosts.values())

    @property
    def frames_total(self) -> int:
        return sum(h.total for h in self.ws_hosts.values())

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        for host in self.ws_hosts.values():
            await host.close()
        for site in self._sites.values():
            await site.runner.cleanup()

    async def __aenter__(self) -> ReplayServer:
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()
