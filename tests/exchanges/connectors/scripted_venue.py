"""A venue whose every frame and snapshot the test decides, served over real sockets.

WebSocket on any path containing `stream` or `/ws/api/v2`; every other GET is a snapshot
request answered from `snapshots[symbol]` (in order, the last one repeating) or from a
`snapshot_fn(symbol)` callable. Deribit JSON-RPC calls are answered by `rpc_fn(method, params)`.

Faults a test can switch on: `snapshot_delay` (seconds before a snapshot answer),
`refuse_ws` (WebSocket upgrades answered 503), `hold_ws` (an asyncio.Event: upgrades wait until
it is set), `silent` (the server neither reads nor answers close frames: a hung peer).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

from aiohttp import WSMsgType, web


class ScriptedVenue:
    def __init__(self) -> None:
        self.snapshots: dict[str, list] = {}
        self.snapshot_fn = None
        self.rpc_fn = None
        self.snapshot_requests: list[str] = []
        self.snapshot_times: list[float] = []
        self.received: list[dict] = []  # client frames, decoded
        self.connections: list[web.WebSocketResponse] = []
        self.transports: dict[int, object] = {}
        self.opened = 0
        self.refused = 0
        self.snapshot_delay = 0.0
        self.snapshots_answered = 0
        self.refuse_ws = False
        self.hold_ws: asyncio.Event | None = None
        self.silent = False
        self._stopping = asyncio.Event()
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(self) -> ScriptedVenue:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._route)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self._stopping.set()
        if self.hold_ws is not None:
            self.hold_ws.set()
        for ws in list(self.connections):
            if self.silent:
                self.transports[id(ws)].abort()
            else:
                await ws.close()
        await self._runner.cleanup()

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _route(self, request: web.Request):
        if request.headers.get("Upgrade", "").lower() == "websocket":
            if self.refuse_ws:
                self.refused += 1
                return web.Response(status=503, text="down")
            if self.hold_ws is not None:
                await self.hold_ws.wait()
            return await self._ws(request)
        symbol = request.query.get("symbol") or request.query.get("instrument_name", "")
        self.snapshot_requests.append(symbol)
        self.snapshot_times.append(time.monotonic())
        if self.snapshot_delay:
            # A venue being stopped answers at once: a pending request must not hold its teardown.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.snapshot_delay)
        try:
            return self._snapshot(symbol)
        finally:
            self.snapshots_answered += 1

    def _snapshot(self, symbol: str) -> web.Response:
        if self.snapshot_fn is not None:
            body = self.snapshot_fn(symbol)
        else:
            bodies = self.snapshots[symbol]
            body = bodies[min(len([s for s in self.snapshot_requests if s == symbol]), len(bodies)) - 1]
        if isinstance(body, web.Response):
            return body
        return web.Response(text=body if isinstance(body, str) else json.dumps(body))

    async def _ws(self, request: web.Request):
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections.append(ws)
        self.transports[id(ws)] = request.transport
        self.opened += 1
        try:
            if self.silent:
                await self._stopping.wait()  # never read: pings and close frames go unanswered
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                frame["_conn"] = self.connections.index(ws) if ws in self.connections else -1
                self.received.append(frame)
                if "method" in frame and "id" in frame:
                    answer = self.rpc_fn(frame["method"], frame.get("params", {})) if self.rpc_fn else None
                    if answer is None:
                        # Deribit answers a subscribe with the channels it took
                        params = frame.get("params")
                        channels = params.get("channels", []) if isinstance(params, dict) else []
                        answer = {"result": channels if "subscribe" in frame["method"] else "ok"}
                    await ws.send_str(json.dumps({"jsonrpc": "2.0", "id": frame["id"], **answer}))
        finally:
            if ws in self.connections:
                self.connections.remove(ws)
        return ws

    async def send(self, frame, *, conn: int = -1) -> None:
        """To the newest connection by default; a dict as compact JSON, as the venues send it."""
        text = frame if isinstance(frame, str) else json.dumps(frame, separators=(",", ":"))
        await self.connections[conn].send_str(text)

    def abort(self, conn: int = -1) -> None:
        """Drop a connection without a close frame: the peer sees a reset, not a goodbye."""
        self.transports[id(self.connections[conn])].abort()

    async def broadcast(self, frame) -> None:
        """To every open connection, as a venue sends a stream to each subscriber."""
        text = frame if isinstance(frame, str) else json.dumps(frame)
        for ws in list(self.connections):
            await ws.send_str(text)

    async def wait_connections(self, n: int, timeout: float = 10.0) -> None:
        await wait_for(lambda: len(self.connections) >= n, timeout, f"{n} connections")


async def wait_for(condition, timeout: float = 10.0, what: str = "condition") -> None:
    """Poll until `condition()` holds; fail the test with `what` when it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def stays_false(condition, seconds: float, what: str = "condition") -> None:
    """Watch `condition()` for `seconds`; fail the test the moment it holds. For what must NOT
    happen within a known window (a backoff, a timeout): the window itself is the condition."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            raise AssertionError(f"{what} happened")
        await asyncio.sleep(0.01)
