"""Binance diff-depth events: the event the sync rule buffers, and the fast read of the usual frame.

Nearly every frame a Binance book connection carries is a combined-stream `depthUpdate` spelled
one way (compact JSON, update ids and event time as integers, prices and quantities as plain
decimal strings). `read_depth` reads that frame with one typed msgspec decode, which hands the two
level lists over as their JSON text: each text is checked for stray characters in one pass, read
into exact pairs (exchanges.connectors.levels.parse_spelled), and kept as the levels' spelling for
the tick recorder, which stores it without encoding anything again. A frame it cannot vouch for
(another event, a raw /ws frame, a missing or mistyped field, an odd number) is left to the
connector's careful path, which reads it again and says what is wrong with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import msgspec

from exchanges.connectors.levels import parse_spelled


@dataclass(slots=True)
class DepthEvent:
    first: int  # U
    last: int  # u
    prev: int | None  # pu (futures only)
    ts: float  # E, seconds
    bids: list[tuple[Decimal, Decimal]]
    asks: list[tuple[Decimal, Decimal]]


class _Depth(msgspec.Struct):
    e: Literal["depthUpdate"]
    E: int
    s: str
    U: int
    u: int
    b: msgspec.Raw
    a: msgspec.Raw
    pu: int | None = None


class _Frame(msgspec.Struct):
    data: _Depth


_frame = msgspec.json.Decoder(_Frame)
# Event times a datetime holds (before year 10000), in milliseconds: the recorder stores them.
MAX_EVENT_MS = 253_402_300_800_000
_TEXT_MARK = '"e":"depthUpdate"'
_BYTES_MARK = _TEXT_MARK.encode()


def read_depth(raw: str | bytes, *, futures: bool):
    """(symbol, U, u, pu, E in ms, bids, asks) of a usual combined-stream depth frame; None for
    any other frame. `pu` is None on spot; a futures frame without it is not usual. Bytes must be
    ASCII, as Binance's frames are: the typed decode skips fields it does not read, so it would not
    see bad UTF-8 there, which the careful path refuses."""
    if type(raw) is str:
        if _TEXT_MARK not in raw:
            return None
    elif _BYTES_MARK not in raw or not raw.isascii():
        return None
    try:
        data = _frame.decode(raw).data
    except msgspec.DecodeError:  # ValidationError is a DecodeError
        return None
    if (futures and data.pu is None) or not 0 <= data.E < MAX_EVENT_MS:
        return None
    bids = parse_spelled(bytes(data.b))
    if bids is None:
        return None
    asks = parse_spelled(bytes(data.a))
    if asks is None:
        return None
    return data.s, data.U, data.u, data.pu if futures else None, data.E, bids, asks
