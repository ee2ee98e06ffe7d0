"""Fault-injected versions of a capture, built with exchanges.replay.faults.

Where a fault leaves a book unrecoverable from the capture alone, the variant also holds what
a real recording would hold after it: a fresh snapshot (Binance REST answer, Deribit snapshot
notification) carrying the true book, computed by the independent rebuild on the original.
"""

from __future__ import annotations

import json
from decimal import Decimal

import msgspec

from exchanges.capture import CaptureLine
from exchanges.replay import faults
from exchanges.replay.script import venue_of
from exchanges.venues import VENUES
from tests.exchanges.replay.reference_books import Book, rebuild_books

_encode = msgspec.json.Encoder(decimal_format="number").encode


def as_dicts(lines: list[CaptureLine]) -> list[dict]:
    return [{"t": x.t, "ts": x.ts, "url": x.url, "data": x.data} for x in lines]


def venue_in(lines: list[CaptureLine]) -> str:
    return next(v for v in (venue_of(x.url) for x in lines) if v)


def binance(venue: str) -> bool:
    return VENUES[venue].family == "binance"


def busiest_symbol(lines: list[CaptureLine], venue: str) -> tuple[str, list[int]]:
    books = rebuild_books(as_dicts(lines))
    built = sorted(symbol for (v, symbol), book in books.items() if v == venue and book.built)
    frames = {symbol: faults.depth_frames(lines, venue, symbol) for symbol in built}
    symbol = max(built, key=lambda s: (len(frames[s]), s))
    return symbol, frames[symbol]


def true_book(lines: list[CaptureLine], upto: int, venue: str, symbol: str) -> Book:
    book = rebuild_books(as_dicts(lines[: upto + 1]))[(venue, symbol)]
    assert book.built, f"{venue}:{symbol} is not built at line {upto}"
    return book


def update_id(line: CaptureLine) -> int:
    msg = json.loads(line.data)
    if "params" in msg:
        return msg["params"]["data"]["change_id"]
    return msg.get("data", msg)["u"]


def fresh_snapshot(lines: list[CaptureLine], upto: int, venue: str, symbol: str) -> CaptureLine:
    """What the venue would answer for `symbol` right after line `upto`: the true book then."""
    book = true_book(lines, upto, venue, symbol)
    assert book.last == update_id(lines[upto])
    sides = book.to_json()
    ts = lines[upto].ts
    if binance(venue):
        recorded = next(
            (x for x in lines if x.t == "http" and f"symbol={symbol}&" in x.url + "&" and "depth" in x.url),
            None,
        )
        body = json.dumps({"lastUpdateId": book.last, "bids": sides["bids"], "asks": sides["asks"]})
        return faults.snapshot_line(venue=venue, symbol=symbol, ts=ts, url_like=recorded, body=body)
    channel = json.loads(lines[upto].data)["params"]["channel"]
    data = {
        "type": "snapshot",
        "timestamp": int(ts * 1000),
        "instrument_name": symbol,
        "change_id": book.last,
        "bids": [["new", Decimal(p), Decimal(q)] for p, q in sides["bids"]],
        "asks": [["new", Decimal(p), Decimal(q)] for p, q in sides["asks"]],
    }
    frame = {"jsonrpc": "2.0", "method": "subscription", "params": {"channel": channel, "data": data}}
    return CaptureLine(t="ws", ts=ts, url=lines[upto].url, data=_encode(frame).decode())


def gap(lines: list[CaptureLine], *, recover: bool) -> tuple[list[CaptureLine], str]:
    """Lose one book frame of the busiest instrument mid-stream; with `recover`, a fresh snapshot follows."""
    venue = venue_in(lines)
    symbol, frames = busiest_symbol(lines, venue)
    k = len(frames) // 2
    assert k + 2 < len(frames), f"{symbol} has too few frames for a gap"
    dropped, revealing, after = frames[k], frames[k + 1], frames[k + 2]
    out = faults.drop(lines, dropped)
    if recover:
        # Binance: a snapshot a client asks for after the gap, holding the frame after the one
        # that showed the gap (whether or not a client keeps that one, it brackets the next).
        # Deribit: the venue sends a snapshot notification after the gap.
        upto = after if binance(venue) else revealing
        out = faults.insert(out, revealing, [fresh_snapshot(lines, upto, venue, symbol)])
    return out, f"{venue}:{symbol}"


def noise(lines: list[CaptureLine]) -> list[CaptureLine]:
    """Invalid copies, duplicates and unknown events around book frames of every built instrument."""
    venue = venue_in(lines)
    books = rebuild_books(as_dicts(lines))
    edits: list[tuple[int, list[CaptureLine]]] = []
    for (v, symbol), book in sorted(books.items()):
        if v != venue or not book.built:
            continue
        frames = faults.depth_frames(lines, venue, symbol)
        changes = [i for i in frames if '"change"' in (lines[i].data or "")] if not binance(venue) else frames
        if len(changes) < 3:
            continue
        middle, later = changes[len(changes) // 2], changes[-2]
        edits.append((middle, faults.invalid_copies(lines[middle]) + faults.unknown_events(lines[middle])))
        edits.append((later + 1, [lines[later]]))  # a duplicate right after the frame
    out = list(lines)
    for index, new in sorted(edits, key=lambda e: e[0], reverse=True):
        out = faults.insert(out, index, new)
    return out


def cut(lines: list[CaptureLine]) -> tuple[list[CaptureLine], set[str]]:
    """A recorded reconnect two thirds into the stream, with the fresh snapshots a resync would get.

    Returns the variant and the books it can rebuild (their final state is the original's).
    """
    venue = venue_in(lines)
    ws = [i for i, x in enumerate(lines) if x.t == "ws"]
    at = ws[2 * len(ws) // 3]
    books = rebuild_books(as_dicts(lines[:at]))
    recoverable: set[str] = set()
    extra: list[CaptureLine] = []
    for (v, symbol), book in sorted(books.items()):
        if v != venue or not book.built:
            continue
        later = [i for i in faults.depth_frames(lines, venue, symbol) if i >= at]
        if binance(venue):
            if len(later) < 3:
                continue  # the snapshot holds two of them; a book is built on the first event after it
            extra.append(fresh_snapshot(lines, later[1], venue, symbol))
        else:
            # After a reconnect Deribit starts each subscribed book with a snapshot notification.
            upto = max(i for i in faults.depth_frames(lines, venue, symbol) if i < at)
            extra.append(fresh_snapshot(lines, upto, venue, symbol))
        recoverable.add(f"{venue}:{symbol}")
    out = faults.cut_before(lines, at)
    # The snapshots go right after the recorded reconnect (its `open` and subscribe calls).
    return faults.insert(out, at + len(out) - len(lines), extra), recoverable
