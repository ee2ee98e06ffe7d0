"""A tiny real HTTP server standing in for the venues' instrument-list endpoints.

It runs its own event loop in a thread, so a synchronous test can run `sync_instruments` (which
runs an event loop of its own) against it. Answers are the recorded capture bodies by default.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from urllib.parse import urlsplit

from aiohttp import web

from tests.exchanges.recorded_lists import recorded_lists


class ListServer:
    def __init__(self) -> None:
        # (path, currency or "") -> (status, body, headers)
        self.answers: dict[tuple[str, str], tuple[int, str, dict]] = {}
        self.requests: list[str] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, path: str, body: str, *, status: int = 200, currency: str = "", headers=None) -> None:
        self.answers[(path, currency)] = (status, body, dict(headers or {}))

    def serve_recorded(self, venue: str) -> None:
        """Answer with what the real venue answered, at the recorded path (and currency)."""
        for url, body in recorded_lists(venue):
            parts = urlsplit(url)
            currency = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p).get("currency", "")
            self.answer(parts.path, body, currency=currency)

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append(str(request.rel_url))
        key = (request.path, request.query.get("currency", ""))
        if key not in self.answers and key[1]:
            # A Deribit currency without instruments: an empty, well-formed list, as Deribit answers.
            return web.Response(text='{"jsonrpc":"2.0","result":[]}', content_type="application/json")
        status, body, headers = self.answers.get(key, (404, "not found", {}))
        return web.Response(status=status, text=body, headers=headers, content_type="application/json")

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def start(self) -> ListServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


@contextlib.contextmanager
def list_server(*venues: str):
    """A started ListServer serving the recorded lists of `venues`; stopped on exit."""
    server = ListServer()
    for venue in venues:
        server.serve_recorded(venue)
    server.start()
    try:
        yield server
    finally:
        server.stop()
