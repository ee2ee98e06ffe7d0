"""Deribit's JSON-RPC 2.0 WebSocket: subscriptions, heartbeats, and the public methods a market
data client uses (test, get_order_book, get_instruments, get_time)."""

from __future__ import annotations

import asyncio
import contextlib
import time

import msgspec
from aiohttp import WSMsgType, web

from exchanges.simulator import deribit_frames as frames
from exchanges.simulator.appkeys import SIM
from exchanges.simulator.market import now_ms
from exchanges.simulator.outbox import DEPTH, REPLY, STREAM, Frame, Outbox
from exchanges.simulator.walk import BookEvent, BookWalk, TradeTick

BOOK_INTERVALS = ("100ms", "raw", "agg2")
TRADE_INTERVALS = ("100ms", "raw", "agg2")
MAX_DEPTH = 10_000


def parse_channel(channel: str) -> tuple[str, str] | None:
    """`book.BTC-PERPETUAL.100ms` -> ("BTC-PERPETUAL", "depth"); `trades.X.100ms` -> (X, "trade")."""
    parts = channel.split(".")
    if len(parts) != 3:
        return None
    kind, symbol, interval = parts
    if kind == "book" and interval in BOOK_INTERVALS:
        return symbol, "depth"
    if kind == "trades" and interval in TRADE_INTERVALS:
        return symbol, "trade"
    return None


class DeribitConnection:
    def __init__(self, sim, outbox: Outbox) -> None:
        self.sim = sim
        self.outbox = outbox
        self.channels: dict[str, tuple[str, str]] = {}  # channel -> (symbol, market channel)
        self.heartbeat_interval: float | None = None
        self.awaiting_test = False
        self._heartbeat: asyncio.Task | None = None

    # ---- market -> client ---------------------------------------------------------------
    def deliver(self, channel: str, walk: BookWalk, item: BookEvent | TradeTick | None) -> None:
        inst = walk.instrument
        for name, (symbol, kind) in self.channels.items():
            if symbol != inst.symbol or kind != channel:
                continue
            if kind == "depth":
                text = item.encoded(("deribit", name), lambda n=name: frames.book_change(n, inst, item))
                self.outbox.put(
                    Frame(
                        text=text,
                        kind=DEPTH,
                        malformed=lambda dice, n=name: frames.malformed_change(n, inst, item, dice),
                        unknown=lambda: frames.unknown_notification(inst, now_ms()),
                    )
                )
            else:
                text = item.encoded(("deribit", name), lambda n=name: frames.trades(n, inst, item, mid(walk)))
                self.outbox.put(
                    Frame(text=text, kind=STREAM, unknown=lambda: frames.unknown_notification(inst, now_ms()))
                )

    # ---- client -> server ---------------------------------------------------------------
    def on_request(self, text: str) -> None:
        started = int(time.time() * 1_000_000)
        try:
            msg = msgspec.json.decode(text)
        except msgspec.DecodeError:
            self._reply(frames.error(None, -32700, "parse_error"))
            return
        if not isinstance(msg, dict) or not isinstance(msg.get("method"), str):
            self._reply(
                frames.error(msg.get("id") if isinstance(msg, dict) else None, -32600, "invalid_request")
            )
            return
        ident = msg.get("id")
        params = msg.get("params") or {}
        if not isinstance(params, dict):
            self._reply(frames.error(ident, -32602, "Invalid params"))
            return
        method = msg["method"]
        handler = METHODS.get(method)
        if handler is None:
            self._reply(frames.error(ident, -32601, "Method not found"))
            return
        try:
            result = handler(self, params)
        except RpcError as exc:
            self._reply(frames.error(ident, exc.code, exc.message, exc.data))
            return
        self._reply(frames.answer(ident, result, started_us=started))
        if method == "public/subscribe":
            self._send_snapshots(result)

    def _reply(self, text: str) -> None:
        self.outbox.put(Frame(text=text, kind=REPLY))

    def subscribe(self, params: dict) -> list[str]:
        channels = params.get("channels")
        if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
            raise RpcError(
                -32602,
                "Invalid params",
                {"reason": "channels must be a list of strings", "param": "channels"},
            )
        accepted = []
        for channel in channels:
            parsed = parse_channel(channel)
            if parsed is None or self.sim.market.walk("deribit", parsed[0]) is None:
                continue  # Deribit leaves unknown channels out of the answer
            accepted.append(channel)
            if channel not in self.channels:
                self.channels[channel] = parsed
                self.sim.market.listen(("deribit", parsed[0], parsed[1]), self)
        return accepted

    def _send_snapshots(self, channels: list[str]) -> None:
        """First notification of a book channel: the whole book, queued before any change so the
        client's chain starts exactly here."""
        for channel in channels:
            symbol, kind = self.channels[channel]
            if kind == "depth":
                walk = self.sim.market.walk("deribit", symbol)
                self.outbox.put(Frame(text=frames.book_snapshot(channel, walk, now_ms()), kind=REPLY))

    def unsubscribe(self, params: dict) -> list[str]:
        channels = params.get("channels")
        if not isinstance(channels, list):
            raise RpcError(
                -32602, "Invalid params", {"reason": "channels must be a list", "param": "channels"}
            )
        gone = []
        for channel in channels:
            parsed = self.channels.pop(channel, None)
            if parsed is None:
                continue
            gone.append(channel)
            if parsed not in self.channels.values():
                self.sim.market.unlisten(("deribit", parsed[0], parsed[1]), self)
        return gone

    def unsubscribe_all(self, params: dict) -> str:
        self.unsubscribe({"channels": list(self.channels)})
        return "ok"

    def set_heartbeat(self, params: dict) -> str:
        interval = params.get("interval")
        minimum = self.sim.options.deribit_min_heartbeat
        if not isinstance(interval, int | float) or isinstance(interval, bool) or interval < minimum:
            raise RpcError(
                -32602, "Invalid params", {"reason": f"must be at least {minimum:g}", "param": "interval"}
            )
        self.heartbeat_interval = float(interval)
        self.awaiting_test = False
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        self._heartbeat = asyncio.get_running_loop().create_task(self._beat())
        return "ok"

    def disable_heartbeat(self, params: dict) -> str:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        return "ok"

    def test(self, params: dict) -> dict:
        self.awaiting_test = False
        return {"version": frames.VERSION}

    def get_time(self, params: dict) -> int:
        return now_ms()

    def get_order_book(self, params: dict) -> dict:
        return order_book_result(self.sim, params)

    def get_instruments(self, params: dict) -> list[dict]:
        return instruments_result(self.sim, params)

    async def _beat(self) -> None:
        """Every interval: a test_request, unless the last one is still unanswered, in which case
        the session ends (Deribit's rule, `heartbeat_close`)."""
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            if self.awaiting_test and self.sim.dice.roll("heartbeat_close", self.sim.faults.heartbeat_close):
                await self.outbox.close(code=1000, message=b"heartbeat: no answer to test_request")
                return
            self.awaiting_test = True
            self.sim.counts["heartbeat_test_request"] += 1
            self.outbox.put(Frame(text=frames.test_request(), kind=REPLY))

    async def stop(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(BaseException):
                await self._heartbeat


def mid(walk: BookWalk):
    """The middle of the truth's best bid and ask: the mark and index price of a trade frame."""
    (bid, _), (ask, _) = walk.best()
    return (bid + ask) / 2


class RpcError(Exception):
    def __init__(self, code: int, message: str, data: dict | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


def order_book_result(sim, params: dict) -> dict:
    name = params.get("instrument_name")
    walk = sim.market.walk("deribit", name) if isinstance(name, str) else None
    if walk is None:
        raise RpcError(
            -32602, "Invalid params", {"reason": "instrument not found", "param": "instrument_name"}
        )
    try:
        depth = int(params.get("depth", 20))
    except (TypeError, ValueError):
        raise RpcError(-32602, "Invalid params", {"reason": "must be an integer", "param": "depth"}) from None
    depth = max(1, min(depth, MAX_DEPTH))
    return frames.order_book(walk, depth, now_ms())


def instruments_result(sim, params: dict) -> list[dict]:
    currency = params.get("currency", "any")
    kind = params.get("kind")
    out = []
    for inst in sim.instruments_of("deribit"):
        if currency not in ("any", None) and inst.base != currency:
            continue
        if kind not in (None, "future"):
            continue
        out.append(frames.instrument(inst))
    return out


METHODS = {
    "public/subscribe": DeribitConnection.subscribe,
    "public/unsubscribe": DeribitConnection.unsubscribe,
    "public/unsubscribe_all": DeribitConnection.unsubscribe_all,
    "public/set_heartbeat": DeribitConnection.set_heartbeat,
    "public/disable_heartbeat": DeribitConnection.disable_heartbeat,
    "public/test": DeribitConnection.test,
    "public/get_time": DeribitConnection.get_time,
    "public/get_order_book": DeribitConnection.get_order_book,
    "public/get_instruments": DeribitConnection.get_instruments,
}


async def handle(request: web.Request) -> web.StreamResponse:
    sim = request.app[SIM]
    # Deribit keeps sockets alive with its own heartbeat messages, not WebSocket pings.
    ws = web.WebSocketResponse(max_msg_size=1 << 20)
    await ws.prepare(request)
    outbox = sim.new_outbox(ws, request, shutdown_frame=None)
    conn = DeribitConnection(sim, outbox)
    outbox.start()
    try:
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                conn.on_request(msg.data)
            elif msg.type == WSMsgType.ERROR:
                break
    finally:
        sim.market.forget(conn)
        await conn.stop()
        await outbox.stop()
        with contextlib.suppress(Exception):
            await ws.close()
        sim.connection_closed(outbox)
    return ws
