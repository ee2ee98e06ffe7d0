"""A capture split into what each recorded host serves: WebSocket timelines and HTTP answers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import msgspec

from books.numbers import decode_json
from exchanges.capture import CaptureLine
from exchanges.venues import HOST_VENUES

# Query parameters that say which instrument (or list) a GET is about. Anything else (limit,
# depth, expired, timestamps) may differ between the recording and the replaying client.
NAMING_PARAMS = frozenset(("symbol", "symbols", "instrument_name", "currency", "pair"))
ORDER_BOOK_METHOD = "public/get_order_book"

RequestKey = tuple[str, tuple[tuple[str, str], ...]]


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def venue_of(url: str) -> str | None:
    return HOST_VENUES.get(host_of(url))


def request_key(path: str, query: list[tuple[str, str]]) -> RequestKey:
    """What identifies a recorded GET: its path and the naming parameters, order-free."""
    return path.rstrip("/") or "/", tuple(sorted((k, v) for k, v in query if k in NAMING_PARAMS))


def url_request_key(url: str) -> RequestKey:
    parts = urlsplit(url)
    return request_key(parts.path, parse_qsl(parts.query, keep_blank_values=True))


@dataclass
class WsTimeline:
    """Everything recorded on the sockets to one host, in order: `open`, `sent` and `ws` lines."""

    host: str
    venue: str | None
    events: list[CaptureLine] = field(default_factory=list)

    @property
    def frames(self) -> int:
        return sum(1 for e in self.events if e.t == "ws")


@dataclass
class HttpAnswers:
    """Recorded GET bodies of one host, by request key, in recorded order."""

    host: str
    venue: str | None
    bodies: dict[RequestKey, list[str]] = field(default_factory=dict)


@dataclass
class ReplayScript:
    ws: dict[str, WsTimeline]
    http: dict[str, HttpAnswers]
    # Recorded Deribit `public/get_order_book` results by venue and instrument, decoded exactly.
    order_books: dict[str, dict[str, dict]]
    first_ts: float
    skipped_hosts: set[str]

    @property
    def venues(self) -> set[str]:
        return {t.venue for t in self.ws.values() if t.venue} | {
            a.venue for a in self.http.values() if a.venue
        }


def build_script(lines: list[CaptureLine]) -> ReplayScript:
    ws: dict[str, WsTimeline] = {}
    http: dict[str, HttpAnswers] = {}
    order_books: dict[str, dict[str, dict]] = defaultdict(dict)
    skipped: set[str] = set()
    first_ts = min((line.ts for line in lines), default=0.0)
    hosts: dict[str, str] = {}  # url -> host: a capture has few URLs and many lines
    for line in lines:
        host = hosts.get(line.url)
        if host is None:
            host = hosts[line.url] = host_of(line.url)
        venue = HOST_VENUES.get(host)
        if venue is None:
            # Nobody can be pointed at a host we cannot tie to a venue; serving it would only
            # keep the replay from ever being exhausted.
            skipped.add(host)
            continue
        if line.t == "ws":
            timeline = ws.get(host)
            if timeline is None:
                timeline = ws[host] = WsTimeline(host, venue)
            timeline.events.append(line)
            data = line.data or ""
            if '"change_id"' in data and '"result"' in data:
                _keep_order_book(order_books[venue], data)
        elif line.t == "http":
            answers = http.setdefault(host, HttpAnswers(host, venue))
            answers.bodies.setdefault(url_request_key(line.url), []).append(line.data or "")
            if urlsplit(line.url).path.endswith(ORDER_BOOK_METHOD):
                _keep_order_book(order_books[venue], line.data or "")
        else:
            ws.setdefault(host, WsTimeline(host, venue)).events.append(line)
    return ReplayScript(
        ws=ws, http=http, order_books=dict(order_books), first_ts=first_ts, skipped_hosts=skipped
    )


def _keep_order_book(books: dict[str, dict], body: str) -> None:
    """Remember a get_order_book result (the last one recorded per instrument wins)."""
    try:
        msg = decode_json(body)
    except msgspec.DecodeError:
        return
    result = msg.get("result") if isinstance(msg, dict) else None
    if isinstance(result, dict) and isinstance(result.get("instrument_name"), str) and "change_id" in result:
        if isinstance(result.get("bids"), list) and isinstance(result.get("asks"), list):
            books[result["instrument_name"]] = result
