"""Minimal venue clients for the simulator's conformance tests (test code, not the connectors):
just enough of the documented sync rules to tell a correct stream from a broken one."""

from __future__ import annotations

import asyncio
import json
import time
from decimal import Decimal

import aiohttp
import msgspec

from books.numbers import BadNumber, decode_json, to_decimal


async def until(condition, *, timeout: float = 5.0, what: str = "condition") -> None:
    """Poll `condition()` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not true within {timeout}s")
        await asyncio.sleep(0.01)


def book_of(venue_book) -> tuple[dict, dict]:
    """A VenueBook's levels as plain dicts, comparable with a client's."""
    return dict(venue_book.bids.levels), dict(venue_book.asks.levels)


class Rejected(Exception):
    pass


def parse_levels(raw) -> list[tuple[Decimal, Decimal]]:
    if not isinstance(raw, list):
        raise Rejected("levels not a list")
    out = []
    for level in raw:
        if not isinstance(level, list) or len(level) != 2:
            raise Rejected("level shape")
        try:
            out.append((to_decimal(level[0]), to_decimal(level[1])))
        except BadNumber as exc:
            raise Rejected(str(exc)) from None
    return out


def parse_depth(text: str) -> dict | None:
    """A validated depth event, None for other events; Rejected for a bad frame."""
    try:
        msg = json.loads(text)
    except ValueError:
        raise Rejected("invalid json") from None
    if not isinstance(msg, dict):
        raise Rejected("not an object")
    data = msg.get("data", msg)
    if not isinstance(data, dict):
        raise Rejected("data not an object")
    if data.get("e") != "depthUpdate":
        return None
    for key in ("U", "u", "b", "a"):
        if key not in data:
            raise Rejected(f"missing {key}")
    return {**data, "b": parse_levels(data["b"]), "a": parse_levels(data["a"])}


class BinanceBook:
    """The documented local-book algorithm, spot or futures flavour.

    1. Buffer stream events from the moment the socket is open.
    2. Fetch a snapshot; fetch again while its lastUpdateId is older than the first buffered U.
    3. Drop buffered events already in the snapshot (spot u <= L, futures u < L).
    4. The first applied event straddles L (spot U <= L+1 <= u, futures U <= L <= u).
    5. Each next event follows on (spot U == previous u + 1, futures pu == previous u).
    """

    def __init__(self, *, futures: bool) -> None:
        self.futures = futures
        self.bids: dict[Decimal, Decimal] = {}
        self.asks: dict[Decimal, Decimal] = {}
        self.last: int | None = None  # u of the last applied event (or L before the first)
        self.synced = False
        self.buffer: list[dict] = []
        self.rejected = 0
        self.gaps = 0
        self.events = 0

    def on_frame(self, text: str) -> None:
        try:
            event = parse_depth(text)
        except Rejected:
            self.rejected += 1
            return
        if event is None:
            return
        self.events += 1
        if self.last is None:
            self.buffer.append(event)
        else:
            self._take(event)

    def load(self, snapshot: dict) -> None:
        self.bids = {p: q for p, q in parse_levels(snapshot["bids"])}
        self.asks = {p: q for p, q in parse_levels(snapshot["asks"])}
        self.last = snapshot["lastUpdateId"]
        buffered, self.buffer = self.buffer, []
        for event in buffered:
            self._take(event)

    def _take(self, event: dict) -> None:
        L = self.last
        if not self.synced:
            if event["u"] < L or (not self.futures and event["u"] == L):
                return  # step 3
            ok = event["U"] <= L <= event["u"] if self.futures else event["U"] <= L + 1 <= event["u"]
            if not ok:
                self.gaps += 1
                return
            self.synced = True
        else:
            ok = event["pu"] == L if self.futures else event["U"] == L + 1
            if not ok:
                self.gaps += 1
                return
        for side, levels in ((self.bids, event["b"]), (self.asks, event["a"])):
            for price, qty in levels:
                if qty == 0:
                    side.pop(price, None)
                else:
                    side[price] = qty
        self.last = event["u"]


async def binance_book(
    http: aiohttp.ClientSession,
    sim,
    venue: str,
    symbol: str,
    *,
    stream: str = "depth@100ms",
    ws_path: str = "",
) -> tuple[BinanceBook, aiohttp.ClientWebSocketResponse, asyncio.Task]:
    """Open the stream, then the snapshot, as step 1-2 say; frames keep flowing into the book."""
    ep = sim.endpoints()[venue]
    book = BinanceBook(futures=venue != "binance")
    ws = await http.ws_connect(f"{ep.ws_url}{ws_path}/stream?streams={symbol.lower()}@{stream}")

    async def read() -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                book.on_frame(msg.data)

    reader = asyncio.get_running_loop().create_task(read())
    await until(lambda: book.buffer, what="first depth event")
    path = {"binance": "/api/v3", "binance-usdm": "/fapi/v1", "binance-coinm": "/dapi/v1"}[venue]
    while True:
        async with http.get(f"{ep.rest_url}{path}/depth", params={"symbol": symbol, "limit": "5000"}) as r:
            assert r.status == 200, await r.text()
            snapshot = await r.json()
        if snapshot["lastUpdateId"] >= book.buffer[0]["U"]:
            break
    book.load(snapshot)
    return book, ws, reader


class DeribitBook:
    """Snapshot, then changes chained by prev_change_id; a broken chain is counted, not applied."""

    def __init__(self) -> None:
        self.bids: dict[Decimal, Decimal] = {}
        self.asks: dict[Decimal, Decimal] = {}
        self.change_id: int | None = None
        self.rejected = 0
        self.gaps = 0
        self.changes = 0
        self.other: list[dict] = []

    def on_frame(self, text: str) -> None:
        try:
            msg = decode_json(text)
        except msgspec.DecodeError:
            self.rejected += 1
            return
        if not isinstance(msg, dict) or msg.get("method") != "subscription":
            self.other.append(msg)  # an answer or a heartbeat, not a book frame
            return
        try:
            channel = msg["params"]["channel"]
            data = msg["params"]["data"]
            if not channel.startswith("book."):
                self.other.append(msg)
                return
            kind = data["type"]
            change_id = data["change_id"]
            entries = [self._entry(e) for e in data["bids"]], [self._entry(e) for e in data["asks"]]
        except (KeyError, TypeError, ValueError, BadNumber, Rejected):
            self.rejected += 1
            return
        if kind == "snapshot":
            self.bids, self.asks = {}, {}
        elif data.get("prev_change_id") != self.change_id:
            self.gaps += 1
            return
        else:
            self.changes += 1
        for side, levels in zip((self.bids, self.asks), entries, strict=True):
            for action, price, amount in levels:
                if action == "delete":
                    side.pop(price, None)
                else:
                    side[price] = amount
        self.change_id = change_id

    @staticmethod
    def _entry(entry) -> tuple[str, Decimal, Decimal]:
        action, price, amount = entry
        if action not in ("new", "change", "delete"):
            raise Rejected("action")
        return action, to_decimal(price), to_decimal(amount)
