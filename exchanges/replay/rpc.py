"""Answers to what a client sends on a replayed socket: Binance SUBSCRIBE, Deribit JSON-RPC.

The recorded frames flow whatever the client asked for; these answers only keep a real
client's request/answer bookkeeping happy, and serve a recorded Deribit order book where a
resync asks for one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import msgspec

from books.numbers import decode_json

_encode = msgspec.json.Encoder(decimal_format="number").encode
BINANCE_METHODS = frozenset(
    ("SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY")
)
VERSION = "1.2.26"  # what Deribit's public/test and public/hello answer with


@dataclass
class ClientState:
    """What one client socket asked for: its streams (Binance) and subscribe calls."""

    streams: set[str] = field(default_factory=set)
    subscribes: int = 0


@dataclass
class Reply:
    frames: list[str] = field(default_factory=list)
    subscribed: bool = False  # the frame was a subscribe call


class Responder:
    """Per recorded host: answers client frames. `order_books`: recorded get_order_book results."""

    def __init__(self, *, order_books: dict[str, dict] | None = None) -> None:
        self.order_books = order_books or {}
        self.book_channels_seen: set[str] = set()  # instruments subscribed once: a repeat is a resubscribe
        self.answered = 0

    def respond(self, client: ClientState, text: str) -> Reply:
        try:
            msg = decode_json(text)
        except msgspec.DecodeError:
            return Reply()
        if not isinstance(msg, dict) or not isinstance(msg.get("method"), str):
            return Reply()
        method = msg["method"]
        if method in BINANCE_METHODS:
            return self._binance(client, method, msg)
        if "id" not in msg:
            return Reply()  # a JSON-RPC notification wants no answer
        self.answered += 1
        return self._jsonrpc(client, method, msg)

    # ---- Binance -------------------------------------------------------------------------
    def _binance(self, client: ClientState, method: str, msg: dict) -> Reply:
        params = msg.get("params") if isinstance(msg.get("params"), list) else []
        names = {p.lower() for p in params if isinstance(p, str)}
        result = None
        if method == "SUBSCRIBE":
            client.streams |= names
            client.subscribes += 1
        elif method == "UNSUBSCRIBE":
            client.streams -= names
        elif method == "LIST_SUBSCRIPTIONS":
            result = sorted(client.streams)
        self.answered += 1
        return Reply(
            [_encode({"result": result, "id": msg.get("id")}).decode()], subscribed=method == "SUBSCRIBE"
        )

    # ---- Deribit JSON-RPC ---------------------------------------------------------------
    def _jsonrpc(self, client: ClientState, method: str, msg: dict) -> Reply:
        ident = msg.get("id")
        params = msg.get("params") if isinstance(msg.get("params"), dict) else {}
        name = method.split("/", 1)[-1]
        if name == "subscribe":
            return self._subscribe(client, ident, params)
        if name == "unsubscribe":
            return Reply([_result(ident, _channels(params))])
        if name in ("unsubscribe_all", "set_heartbeat", "disable_heartbeat", "enable_cancel_on_disconnect"):
            return Reply([_result(ident, "ok")])
        if name in ("test", "hello"):
            return Reply([_result(ident, {"version": VERSION})])
        if name == "get_time":
            return Reply([_result(ident, int(time.time() * 1000))])
        if name == "get_order_book":
            instrument = params.get("instrument_name")
            book = self.order_books.get(instrument) if isinstance(instrument, str) else None
            if book is None:
                return Reply(
                    [_error(ident, 10404, "not_found", f"no recorded order book for {instrument!r}")]
                )
            return Reply([_result(ident, book)])
        return Reply([_error(ident, -32601, "Method not found", f"{method!r} is not replayed")])

    def _subscribe(self, client: ClientState, ident, params: dict) -> Reply:
        channels = _channels(params)
        client.subscribes += 1
        frames = [_result(ident, channels)]
        for channel in channels:
            parts = channel.split(".")
            if len(parts) >= 2:
                client.streams.add(channel_key(parts[1]))  # routes its notifications to this socket
            if len(parts) < 3 or parts[0] != "book":
                continue
            instrument = parts[1]
            if instrument in self.book_channels_seen and instrument in self.order_books:
                # A resubscribe: the venue starts the channel again with a whole book.
                frames.append(_snapshot_notification(channel, self.order_books[instrument]))
            self.book_channels_seen.add(instrument)
        return Reply(frames, subscribed=True)


def channel_key(instrument: str) -> str:
    """How a socket names the Deribit instrument it subscribed, for routing (ws_host.stream_of)."""
    return f"channel:{instrument.lower()}"


def _channels(params: dict) -> list[str]:
    channels = params.get("channels")
    return [c for c in channels if isinstance(c, str)] if isinstance(channels, list) else []


def _result(ident, result) -> str:
    return _encode({"jsonrpc": "2.0", "id": ident, "result": result, "testnet": False}).decode()


def _error(ident, code: int, message: str, reason: str) -> str:
    error = {"code": code, "message": message, "data": {"reason": reason}}
    return _encode({"jsonrpc": "2.0", "id": ident, "error": error, "testnet": False}).decode()


def _snapshot_notification(channel: str, book: dict) -> str:
    """A get_order_book result (`[[price, amount], ...]`) as the `type: snapshot` book notification."""
    data = {
        "type": "snapshot",
        "timestamp": book.get("timestamp", int(time.time() * 1000)),
        "instrument_name": book["instrument_name"],
        "change_id": book["change_id"],
        "bids": [["new", *level[:2]] for level in book["bids"] if isinstance(level, list)],
        "asks": [["new", *level[:2]] for level in book["asks"] if isinstance(level, list)],
    }
    return _encode(
        {"jsonrpc": "2.0", "method": "subscription", "params": {"channel": channel, "data": data}}
    ).decode()
