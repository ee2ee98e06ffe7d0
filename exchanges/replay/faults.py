"""Captures with injected faults, for tests: rewrite a capture into a new one.

Each function takes capture lines and returns new lines; nothing here touches the original
file. Frame indexes are positions in the list of lines.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import msgspec

from books.numbers import decode_json
from exchanges.capture import CaptureLine, write_capture
from exchanges.replay.script import host_of, venue_of
from exchanges.venues import VENUES

_encode = msgspec.json.Encoder(decimal_format="number").encode


def _dump(obj) -> str:
    return _encode(obj).decode()


def _is_binance(venue: str | None) -> bool:
    return venue is not None and VENUES[venue].family == "binance"


def depth_frames(lines: list[CaptureLine], venue: str, symbol: str) -> list[int]:
    """Indexes of the book frames of one instrument: Binance depthUpdate, Deribit book notifications."""
    out = []
    binance = _is_binance(venue)
    for i, line in enumerate(lines):
        if line.t != "ws" or venue_of(line.url) != venue:
            continue
        data = line.data or ""
        if (binance and '"depthUpdate"' not in data) or (not binance and '"book.' not in data):
            continue
        try:
            msg = decode_json(data)
        except msgspec.DecodeError:
            continue
        if binance:
            event = msg.get("data", msg)
            if event.get("e") == "depthUpdate" and event.get("s") == symbol:
                out.append(i)
        else:
            params = msg.get("params") or {}
            if (
                str(params.get("channel", "")).startswith("book.")
                and params.get("data", {}).get("instrument_name") == symbol
            ):
                out.append(i)
    return out


def drop_depth_frame(lines: list[CaptureLine], venue: str, symbol: str, k: int) -> list[CaptureLine]:
    """Lose the k-th (0-based) book frame of one instrument: a gap at the next one."""
    return drop(lines, depth_frames(lines, venue, symbol)[k])


def drop(lines: list[CaptureLine], index: int) -> list[CaptureLine]:
    """Lose one frame: on a book stream, the next one no longer follows on (a gap)."""
    return lines[:index] + lines[index + 1 :]


def duplicate(lines: list[CaptureLine], index: int) -> list[CaptureLine]:
    return lines[: index + 1] + [lines[index]] + lines[index + 1 :]


def insert(lines: list[CaptureLine], index: int, new: list[CaptureLine]) -> list[CaptureLine]:
    """Put `new` lines before position `index`."""
    return lines[:index] + list(new) + lines[index:]


def _like(line: CaptureLine, data: str) -> CaptureLine:
    return CaptureLine(t="ws", ts=line.ts, url=line.url, data=data)


def invalid_copies(line: CaptureLine) -> list[CaptureLine]:
    """Four bad versions of a book frame: cut-off JSON, a missing field, a negative and a NaN quantity.

    Inserted before the frame they copy, each must be refused as a whole; the real frame then
    applies as if nothing had happened.
    """
    text = line.data or ""
    msg = decode_json(text)
    binance = _is_binance(venue_of(line.url))
    out = [_like(line, text[: max(1, len(text) // 2)])]
    if binance:
        event_path = ("data",) if "data" in msg else ()
        for mutate in ("missing", "negative", "nan"):
            bad = copy.deepcopy(msg)
            event = bad[event_path[0]] if event_path else bad
            side = "b" if event.get("b") else "a"
            if mutate == "missing":
                del event["u"]
            elif not event.get(side):
                event[side] = [["1", "-1" if mutate == "negative" else "NaN"]]
            else:
                event[side][0][1] = "-1" if mutate == "negative" else "NaN"
            out.append(_like(line, _dump(bad)))
    else:
        for mutate in ("missing", "negative", "nan"):
            bad = copy.deepcopy(msg)
            data = bad["params"]["data"]
            side = "bids" if data.get("bids") else "asks"
            if mutate == "missing":
                del data["change_id"]
            else:
                value = -1 if mutate == "negative" else "NaN"
                if data.get(side):
                    data[side][0] = [
                        data[side][0][0] if data[side][0][0] != "delete" else "change",
                        data[side][0][1],
                        value,
                    ]
                else:
                    data[side] = [["new", 1, value]]
            out.append(_like(line, _dump(bad)))
    return out


def unknown_events(line: CaptureLine) -> list[CaptureLine]:
    """Frames a connector does not know, shaped like the venue's own."""
    if _is_binance(venue_of(line.url)):
        frames = [
            {"stream": "btcusdt@somethingNew", "data": {"e": "somethingNew", "E": 1, "s": "BTCUSDT"}},
            {"e": "anotherEvent", "E": 2},
        ]
    else:
        frames = [
            {
                "jsonrpc": "2.0",
                "method": "subscription",
                "params": {"channel": "something.new.raw", "data": {}},
            },
            {"jsonrpc": "2.0", "method": "announcement", "params": {"text": "hello"}},
        ]
    return [_like(line, _dump(f)) for f in frames]


def cut_before(lines: list[CaptureLine], index: int) -> list[CaptureLine]:
    """A recorded reconnect just before `index`: the socket the frame came on is opened again.

    Replay closes the client's socket there; a client must reconnect and resync. The new `open`
    repeats the last `open` URL of the frame's host (with the recorded subscribe calls after it).
    """
    host = host_of(lines[index].url)
    opened = [i for i in range(index) if lines[i].t == "open" and host_of(lines[i].url) == host]
    if not opened:
        raise ValueError(f"no socket was open to {host} before line {index}")
    first = opened[-1]
    ts = lines[index].ts
    reopened = [CaptureLine(t="open", ts=ts, url=lines[first].url)]
    for line in lines[first + 1 : index]:
        if line.t == "sent" and host_of(line.url) == host:
            reopened.append(CaptureLine(t="sent", ts=ts, url=line.url, data=line.data))
    return insert(lines, index, reopened)


def snapshot_line(
    *, venue: str, symbol: str, ts: float, url_like: CaptureLine | None, body: str
) -> CaptureLine:
    """A REST depth snapshot answer (Binance) for `symbol`, on the URL the capture used for it."""
    if url_like is not None:
        url = url_like.url
    else:
        definition = VENUES[venue]
        url = f"{definition.rest_url}{definition.snapshot_path}?symbol={symbol}&limit=1000"
    return CaptureLine(t="http", ts=ts, url=url, data=body)


def write_variant(lines: list[CaptureLine], directory: str | os.PathLike, name: str) -> Path:
    path = Path(directory) / name
    write_capture(path, lines)
    return path
