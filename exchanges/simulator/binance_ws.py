"""Binance WebSocket streams: raw `/ws/<stream>`, combined `/stream?streams=a/b`, and
SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS on either."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import msgspec
from aiohttp import WSMsgType, web

from exchanges.simulator import binance_frames as frames
from exchanges.simulator.appkeys import SIM
from exchanges.simulator.market import now_ms
from exchanges.simulator.outbox import DEPTH, REPLY, STREAM, Frame, Outbox
from exchanges.simulator.walk import BookEvent, BookWalk, TradeTick

# stream suffix -> market channel
SUFFIXES = {
    "depth@100ms": "depth",
    "depth": "depth1s",
    "depth@1000ms": "depth1s",
    "aggTrade": "trade",
    "trade": "trade",
    "bookTicker": "ticker",
}


@dataclass(frozen=True)
class StreamName:
    name: str  # as the client spelled it, echoed in combined frames
    symbol: str  # upper case, as in the market
    suffix: str
    channel: str  # the market's channel (SUFFIXES)
    head: str  # a combined frame of this stream up to its data


def parse_stream(name: str) -> StreamName | None:
    symbol, sep, suffix = name.partition("@")
    if not sep or suffix not in SUFFIXES or not symbol:
        return None
    return StreamName(
        name=name,
        symbol=symbol.upper(),
        suffix=suffix,
        channel=SUFFIXES[suffix],
        head=frames.combined_head(name),
    )


class BinanceConnection:
    """One client socket: which streams it has and how its frames are spelled."""

    def __init__(self, sim, venue: str, outbox: Outbox, *, combined: bool) -> None:
        self.sim = sim
        self.venue = venue
        self.outbox = outbox
        self.combined = combined
        self.streams: dict[str, StreamName] = {}
        self._topics: dict[tuple[str, str], list[StreamName]] = {}  # (symbol, channel) -> its streams

    # ---- subscriptions ------------------------------------------------------------------
    def subscribe(self, name: str) -> bool:
        stream = parse_stream(name)
        if stream is None:
            return False
        if self.sim.market.walk(self.venue, stream.symbol) is None:
            return True  # Binance accepts a stream of an unknown symbol and simply never sends on it
        if name in self.streams:
            return True  # already there: the same stream
        self.streams[name] = stream
        self._topics.setdefault((stream.symbol, stream.channel), []).append(stream)
        self.sim.market.listen((self.venue, stream.symbol, stream.channel), self)
        return True

    def unsubscribe(self, name: str) -> None:
        stream = self.streams.pop(name, None)
        if stream is None:
            return
        topic = (stream.symbol, stream.channel)
        self._topics[topic].remove(stream)
        if not self._topics[topic]:
            del self._topics[topic]
            self.sim.market.unlisten((self.venue, stream.symbol, stream.channel), self)

    # ---- market -> client ---------------------------------------------------------------
    def deliver(self, channel: str, walk: BookWalk, item: BookEvent | TradeTick | None) -> None:
        inst = walk.instrument
        for stream in self._topics.get((inst.symbol, channel), ()):
            if channel in ("depth", "depth1s"):
                self._send_depth(stream, inst, item)
            elif channel == "trade":
                build = frames.agg_trade if stream.suffix == "aggTrade" else frames.trade
                data = item.encoded(stream.suffix, lambda b=build: b(inst, item))
                self._put(stream, data, STREAM, inst)
            elif channel == "ticker":
                data = item.encoded(
                    "ticker", lambda: frames.book_ticker(inst, item.last, item.ts_ms, walk.best())
                )
                self._put(stream, data, STREAM, inst)

    def _send_depth(self, stream: StreamName, inst, event: BookEvent) -> None:
        data = event.encoded("depth", lambda: frames.depth(inst, event))

        def malformed(dice) -> str:
            return self._wrap(stream, frames.malformed_depth(inst, event, dice))

        self._put(stream, data, DEPTH, inst, malformed=malformed)

    def _put(self, stream: StreamName, data: str, kind: str, inst, malformed=None) -> None:
        self.outbox.put(
            Frame(
                text=self._wrap(stream, data),
                kind=kind,
                malformed=malformed,
                unknown=lambda: self._wrap(stream, frames.unknown_event(inst, now_ms())),
            )
        )

    def _wrap(self, stream: StreamName, data: str) -> str:
        return f"{stream.head}{data}}}" if self.combined else data

    # ---- client -> server ---------------------------------------------------------------
    def on_request(self, text: str) -> None:
        try:
            msg = msgspec.json.decode(text)
        except Exception:
            self._reply({"error": {"code": 3, "msg": "Invalid JSON: expected value at line 1 column 1"}})
            return
        if not isinstance(msg, dict):
            self._reply({"error": {"code": 3, "msg": "Invalid request: not an object"}})
            return
        ident = msg.get("id")
        method = msg.get("method")
        params = msg.get("params", [])
        if method in ("SUBSCRIBE", "UNSUBSCRIBE"):
            if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
                self._reply(
                    {"error": {"code": 2, "msg": "Invalid request: invalid value for 'params'"}, "id": ident}
                )
                return
            if method == "SUBSCRIBE":
                bad = [p for p in params if not self.subscribe(p)]
                if bad:
                    self._reply(
                        {
                            "error": {"code": 2, "msg": f"Invalid request: unknown stream {bad[0]!r}"},
                            "id": ident,
                        }
                    )
                    return
            else:
                for p in params:
                    self.unsubscribe(p)
            self._reply({"result": None, "id": ident})
        elif method == "LIST_SUBSCRIPTIONS":
            self._reply({"result": list(self.streams), "id": ident})
        else:
            self._reply(
                {"error": {"code": 2, "msg": f"Invalid request: unknown method {method!r}"}, "id": ident}
            )

    def _reply(self, obj: dict) -> None:
        self.outbox.put(Frame(text=frames.encode(obj), kind=REPLY))


async def handle(request: web.Request) -> web.StreamResponse:
    """`/<venue>/stream?streams=...`, `/<venue>/ws/<stream>[/<stream>...]`, also below
    `/binance-usdm/public` and `/binance-usdm/market` (any stream is served on either)."""
    sim = request.app[SIM]
    venue = request.match_info["venue"]
    tail = request.match_info.get("tail", "")
    combined = request.match_info.get("kind") == "stream"
    names = [s for s in (request.query.get("streams", "") if combined else tail).split("/") if s]
    ws = web.WebSocketResponse(heartbeat=sim.options.ping_interval, max_msg_size=1 << 20)
    await ws.prepare(request)
    outbox = sim.new_outbox(ws, request, shutdown_frame=lambda: frames.server_shutdown(now_ms()))
    conn = BinanceConnection(sim, venue, outbox, combined=combined)
    for name in names:
        conn.subscribe(name)
    outbox.start()
    try:
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                conn.on_request(msg.data)
            elif msg.type == WSMsgType.ERROR:
                break
    finally:
        sim.market.forget(conn)
        await outbox.stop()
        with contextlib.suppress(Exception):
            await ws.close()
        sim.connection_closed(outbox)
    return ws
