"""An independent rebuild of the books a capture should give, for comparing `replay` with.

Written from the documented rules only (shared/exchange-protocols.md, docs/captures.md),
with plain dicts of Decimal: no project connector, book or number helper.

Binance, per symbol:
1. every (re)sync takes the next recorded snapshot of the symbol's URL, in the order a client
   would ask for them (after the last one, the last one again); events are buffered meanwhile;
2. drop events the snapshot holds: spot `u <= L`, futures `u < L`;
3. the first event applied must bracket it: spot `U <= L + 1 <= u`, futures `U <= L <= u`;
   otherwise the snapshot is too old: take the next one (a repeated one that is too old can
   never bracket a later event: the book is given up);
4. then every event must follow on: spot `U == previous u + 1`, futures `pu == previous u`;
   an event the book already holds (`u <= previous u`) is a duplicate and is dropped; anything
   else is a gap: the book is thrown away and synced again from 1, the gap event buffered;
5. the book is built once its first event is applied. A crossed book is thrown away (resync).
The boundary rule: a snapshot side with as many levels as the `limit` asked for was cut there,
so its worst price is that side's boundary; a level past it (a bid below, an ask above) is
unknown until a fresh snapshot, so an event's level there is ignored, and every level inside it
is kept however many there are. A side with fewer levels, or Deribit's subscription snapshot
(never cut), has no boundary.
Deribit, per instrument: a `type: snapshot` notification loads the book (buffered changes
that chain from it follow); each `change` must have `prev_change_id == last change_id`; an
older change_id is a duplicate and dropped; a mismatch throws the book away until the next
snapshot notification. A recorded reconnect (`open` of a URL already opened) starts the books
on that socket again. Invalid frames (bad JSON, missing fields, bad numbers) are skipped whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlsplit

BINANCE_HOSTS = {
    "stream.binance.com": "binance",
    "api.binance.com": "binance",
    "fstream.binance.com": "binance-usdm",
    "fapi.binance.com": "binance-usdm",
    "dstream.binance.com": "binance-coinm",
    "dapi.binance.com": "binance-coinm",
}
DERIBIT_HOSTS = {"www.deribit.com": "deribit", "test.deribit.com": "deribit"}
SNAPSHOT_PATHS = {"/api/v3/depth", "/fapi/v1/depth", "/dapi/v1/depth"}


class Invalid(Exception):
    pass


def _no_constants(name):
    raise Invalid(f"JSON constant {name}")


def loads(text: str):
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constants)
    except (ValueError, Invalid) as exc:
        raise Invalid(str(exc)) from None


def number(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise Invalid(f"not a number: {value!r}")
    try:
        d = Decimal(value)
    except InvalidOperation:
        raise Invalid(f"not a number: {value!r}") from None
    if not d.is_finite() or d < 0:
        raise Invalid(f"bad number: {value!r}")
    return d


def integer(value) -> int:
    if type(value) is not int:
        raise Invalid(f"not an integer: {value!r}")
    return value


def levels(rows) -> list[tuple[Decimal, Decimal]]:
    if not isinstance(rows, list):
        raise Invalid("levels are not a list")
    out = []
    for row in rows:
        if not isinstance(row, list) or len(row) != 2:
            raise Invalid("a level is not [price, qty]")
        price, qty = number(row[0]), number(row[1])
        if price == 0:
            raise Invalid("zero price")
        out.append((price, qty))
    return out


def deribit_levels(rows) -> list[tuple[Decimal, Decimal]]:
    if not isinstance(rows, list):
        raise Invalid("levels are not a list")
    out = []
    for row in rows:
        if not isinstance(row, list) or len(row) != 3 or row[0] not in ("new", "change", "delete"):
            raise Invalid("a level is not [action, price, amount]")
        price = number(row[1])
        qty = Decimal(0) if row[0] == "delete" else number(row[2])
        if price == 0:
            raise Invalid("zero price")
        out.append((price, qty))
    return out


def plain(d: Decimal) -> str:
    if d == 0:
        return "0"
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class Book:
    limit: int | None  # levels a side a snapshot is asked with; None: snapshots are never cut
    bids: dict[Decimal, Decimal] = field(default_factory=dict)
    asks: dict[Decimal, Decimal] = field(default_factory=dict)
    lowest_bid: Decimal | None = None  # the bid boundary: bids below it are unknown
    highest_ask: Decimal | None = None  # the ask boundary: asks above it are unknown
    last: int | None = None  # last applied update id / change_id; None: not synced
    built: bool = False
    first_pending: bool = False  # Binance: the snapshot is loaded, its bracketing event not seen yet
    dead: bool = False  # Binance: only a too-old snapshot is left to ask for
    buffer: list = field(default_factory=list)
    taken: int = 0  # snapshots asked for so far
    repeated: bool = False  # the snapshot in use is the last recorded one, asked for again

    def reset(self) -> None:
        self.bids, self.asks = {}, {}
        self.lowest_bid = self.highest_ask = None
        self.last, self.built, self.first_pending = None, False, False
        self.buffer = []

    def load(self, bids, asks) -> None:
        self.bids = {p: q for p, q in bids if q != 0}
        self.asks = {p: q for p, q in asks if q != 0}
        cut = self.limit is not None
        self.lowest_bid = min(self.bids) if cut and len(self.bids) >= self.limit else None
        self.highest_ask = max(self.asks) if cut and len(self.asks) >= self.limit else None

    def set(self, bids, asks) -> None:
        for price, qty in bids:
            if self.lowest_bid is not None and price < self.lowest_bid:
                continue  # past the boundary: the levels between are unknown
            if qty == 0:
                self.bids.pop(price, None)
            else:
                self.bids[price] = qty
        for price, qty in asks:
            if self.highest_ask is not None and price > self.highest_ask:
                continue
            if qty == 0:
                self.asks.pop(price, None)
            else:
                self.asks[price] = qty

    def crossed(self) -> bool:
        return bool(self.bids and self.asks and max(self.bids) >= min(self.asks))

    def to_json(self) -> dict:
        return {
            "bids": [[plain(p), plain(self.bids[p])] for p in sorted(self.bids, reverse=True)],
            "asks": [[plain(p), plain(self.asks[p])] for p in sorted(self.asks)],
        }


class BinanceVenue:
    def __init__(self, venue: str, snapshots: dict[str, list[str]], limits: dict[str, int]) -> None:
        self.venue = venue
        self.futures = venue != "binance"
        self.snapshots = snapshots
        self.limits = limits
        self.books: dict[str, Book] = {}

    def book(self, symbol: str) -> Book:
        if symbol not in self.books:
            self.books[symbol] = Book(limit=self.limits.get(symbol, 1000))
        return self.books[symbol]

    def start(self, symbol: str) -> None:
        book = self.book(symbol)
        book.reset()
        book.dead = False
        self._take_snapshot(symbol, book)

    def _take_snapshot(self, symbol: str, book: Book) -> bool:
        bodies = self.snapshots.get(symbol, [])
        if not bodies:
            book.dead = True
            return False
        body = bodies[min(book.taken, len(bodies) - 1)]
        book.repeated = book.taken >= len(bodies)
        book.taken += 1
        snap = loads(body)
        book.load(levels(snap["bids"]), levels(snap["asks"]))
        book.last = integer(snap["lastUpdateId"])
        book.first_pending = True
        book.built = False
        return True

    def frame(self, event: dict) -> None:
        symbol = event["s"]
        if not isinstance(symbol, str):
            raise Invalid("s")
        first, last = integer(event["U"]), integer(event["u"])
        prev = integer(event["pu"]) if self.futures else None
        if isinstance(event["E"], bool) or not isinstance(event["E"], int | Decimal):
            raise Invalid("E")
        bids, asks = levels(event["b"]), levels(event["a"])
        book = self.book(symbol)
        if book.dead:
            return
        if book.last is None:
            book.buffer.append((first, last, prev, bids, asks))
            return
        self.advance(symbol, book, (first, last, prev, bids, asks))

    def advance(self, symbol: str, book: Book, event) -> None:
        first, last, prev, bids, asks = event
        if book.first_pending:
            held = last < book.last if self.futures else last <= book.last
            if held:
                return
            brackets = first <= book.last <= last if self.futures else first <= book.last + 1 <= last
            if not brackets:
                # Too old for the stream (or a gap right after it): ask for the next snapshot.
                if book.repeated:
                    book.reset()
                    book.dead = True
                    return
                book.reset()
                self._take_snapshot(symbol, book)
                self.advance(symbol, book, event)
                return
            book.first_pending = False
        else:
            follows = prev == book.last if self.futures else first == book.last + 1
            if not follows:
                if last <= book.last:
                    return  # a duplicate of an applied event
                book.reset()
                if not self._take_snapshot(symbol, book):
                    return
                self.advance(symbol, book, event)
                return
        book.set(bids, asks)
        book.last = last
        book.built = True
        if book.crossed():
            book.reset()
            self._take_snapshot(symbol, book)


class DeribitVenue:
    def __init__(self) -> None:
        self.books: dict[str, Book] = {}

    def book(self, name: str) -> Book:
        if name not in self.books:
            self.books[name] = Book(limit=None)
        return self.books[name]

    def frame(self, data: dict) -> None:
        name = data["instrument_name"]
        kind = data["type"]
        change_id = integer(data["change_id"])
        if isinstance(data["timestamp"], bool) or not isinstance(data["timestamp"], int | Decimal):
            raise Invalid("timestamp")
        bids, asks = deribit_levels(data["bids"]), deribit_levels(data["asks"])
        prev = integer(data["prev_change_id"]) if kind == "change" else None
        if kind not in ("snapshot", "change") or not isinstance(name, str):
            raise Invalid("type")
        book = self.book(name)
        if kind == "snapshot":
            pending = book.buffer
            book.reset()
            book.load(bids, asks)
            book.last = change_id
            book.built = True
            if book.crossed():
                book.reset()
                return
            for change in pending:
                if change[1] > book.last:
                    self.change(book, change)
            return
        self.change(book, (prev, change_id, bids, asks))

    def change(self, book: Book, change) -> None:
        prev, change_id, bids, asks = change
        if book.last is None:
            book.buffer.append(change)
            return
        if prev != book.last:
            if change_id <= book.last:
                return
            book.reset()
            book.buffer.append(change)
            return
        book.set(bids, asks)
        book.last = change_id
        if book.crossed():
            book.reset()


def rebuild_books(lines: list[dict]) -> dict[tuple[str, str], Book]:
    """Capture lines (dicts: t, ts, url, data) -> every rebuilt book, by (venue, symbol)."""
    snapshots: dict[str, dict[str, list[str]]] = {}
    limits: dict[str, dict[str, int]] = {}
    for line in lines:
        parts = urlsplit(line["url"])
        venue = BINANCE_HOSTS.get(parts.hostname or "")
        if line["t"] == "http" and venue and parts.path in SNAPSHOT_PATHS:
            query = dict(parse_qsl(parts.query))
            snapshots.setdefault(venue, {}).setdefault(query["symbol"], []).append(line["data"])
            if query.get("limit", "").isdigit():
                limits.setdefault(venue, {})[query["symbol"]] = int(query["limit"])
    binance = {
        v: BinanceVenue(v, snapshots.get(v, {}), limits.get(v, {})) for v in set(BINANCE_HOSTS.values())
    }
    deribit = DeribitVenue()
    opened: set[tuple[str, str, str]] = set()
    started: set[str] = set()

    for line in lines:
        parts = urlsplit(line["url"])
        host = parts.hostname or ""
        venue = BINANCE_HOSTS.get(host) or DERIBIT_HOSTS.get(host)
        if venue is None:
            continue
        if line["t"] == "open":
            key = (host, parts.path, parts.query)
            named = [s for s in dict(parse_qsl(parts.query)).get("streams", "").split("/") if s]
            depth = {s.split("@")[0].upper() for s in named if "@depth" in s}
            if venue == "deribit":
                if key in opened:
                    for book in deribit.books.values():
                        book.reset()
            elif venue not in started:
                # The client opens its sockets at start and asks for every snapshot at once.
                for symbol in sorted(depth | set(snapshots.get(venue, {}))):
                    binance[venue].start(symbol)
                started.add(venue)
            elif key in opened:
                # A reconnect: the books carried on that socket start again.
                for symbol in sorted(depth if named else set(binance[venue].books)):
                    binance[venue].start(symbol)
            opened.add(key)
            continue
        if line["t"] != "ws":
            continue
        try:
            msg = loads(line["data"])
            if not isinstance(msg, dict):
                raise Invalid("not an object")
            if venue == "deribit":
                params = msg.get("params")
                if msg.get("method") != "subscription" or not isinstance(params, dict):
                    continue
                if not str(params.get("channel", "")).startswith("book."):
                    continue
                if not isinstance(params.get("data"), dict):
                    raise Invalid("data")
                deribit.frame(params["data"])
            else:
                event = msg["data"] if "data" in msg else msg
                if isinstance(event, dict) and event.get("e") == "depthUpdate":
                    binance[venue].frame(event)
        except (Invalid, KeyError, TypeError, AttributeError):
            continue  # an invalid frame is refused whole

    out = {(venue, symbol): book for venue, state in binance.items() for symbol, book in state.books.items()}
    out.update({("deribit", name): book for name, book in deribit.books.items()})
    return out


def rebuild(lines: list[dict]) -> dict[str, dict]:
    """Capture lines -> the books file they should give: every built book, sorted keys."""
    books = rebuild_books(lines)
    return {
        f"{venue}:{symbol}": books[(venue, symbol)].to_json()
        for venue, symbol in sorted(books)
        if books[(venue, symbol)].built
    }


def read_lines(path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(text) for text in handle if text.strip()]
