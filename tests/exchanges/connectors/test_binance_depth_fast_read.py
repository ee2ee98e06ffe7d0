"""The fast read of a Binance depth frame takes exactly the usual frame and nothing else.

Compact combined-stream depthUpdate frames, as Binance sends them, come out as exact pairs with the
level lists' own text kept for the recorder; anything it cannot vouch for is None, left to the
connector's careful path (test_malformed_frames_are_quarantined checks what that path says).
"""

import json
from decimal import Decimal

import pytest

from exchanges.connectors.binance_depth import read_depth
from tests.exchanges.connectors.frames import depth

BIDS = [["64999.99000000", "0.00000010"], ["64999.50000000", "0.00000000"]]
ASKS = [["65000.01000000", "12.50000000"]]


def compact(frame: dict) -> str:
    return json.dumps(frame, separators=(",", ":"))


@pytest.mark.parametrize("kind", [str, bytes])
def test_a_usual_frame_is_read_exactly_with_its_spelling(kind):
    raw = compact(depth("BTCUSDT", 101, 103, bids=BIDS, asks=ASKS, ts=1_700_000_000_123))
    raw = raw if kind is str else raw.encode()
    symbol, first, last, prev, ts_ms, bids, asks = read_depth(raw, futures=False)
    assert (symbol, first, last, prev, ts_ms) == ("BTCUSDT", 101, 103, None, 1_700_000_000_123)
    assert list(bids) == [(Decimal(p), Decimal(q)) for p, q in BIDS]
    assert list(asks) == [(Decimal(p), Decimal(q)) for p, q in ASKS]
    assert bids.spelled == b'[["64999.99000000","0.00000010"],["64999.50000000","0.00000000"]]'
    assert asks.spelled == b'[["65000.01000000","12.50000000"]]'


def test_a_futures_frame_carries_its_previous_id():
    raw = compact(depth("BTCUSDT", 101, 103, bids=BIDS, prev=100))
    assert read_depth(raw, futures=True)[1:4] == (101, 103, 100)
    assert read_depth(compact(depth("BTCUSDT", 101, 103, bids=BIDS)), futures=True) is None, "no pu"


def _with(**data) -> str:
    frame = depth("BTCUSDT", 101, 103, bids=BIDS, asks=ASKS)
    frame["data"].update(data)
    return compact(frame)


ODD = {
    "spaced like json.dumps": json.dumps(depth("BTCUSDT", 101, 103, bids=BIDS)),
    "a raw /ws frame": compact(depth("BTCUSDT", 101, 103, bids=BIDS)["data"]),
    "another event": _with(e="depthUpdateV2"),
    "a trade": compact({"stream": "btcusdt@aggTrade", "data": {"e": "aggTrade", "p": "1", "q": "1"}}),
    "ids as text": _with(U="101"),
    "ids as booleans": _with(u=True),
    "event time as a decimal": _with(E=1.5),
    "no symbol": _with(s=None),
    "a number for a price": _with(b=[[64999.99, "1"]]),
    "an exponent": _with(b=[["6.5E+4", "1"]]),
    "a sign": _with(a=[["65000", "-1"]]),
    "NaN": _with(a=[["65000", "NaN"]]),
    "an escaped digit": _with(a=[["65000", "7"]]).replace('"7"', '"\\u0037"'),
    "an event time no datetime holds": _with(E=10**18),
    "a negative event time": _with(E=-1),
    "a zero price": _with(b=[["0.000", "1"]]),
    "an empty quantity": _with(b=[["1", ""]]),
    "two points": _with(b=[["1.2.3", "1"]]),
    "three items": _with(b=[["1", "2", "3"]]),
    "a level that is text": _with(b=["12"]),
    "levels that are an object": _with(b={"1": "2"}),
    "not JSON": '{"stream":"x","data":{"e":"depthUpdate","E":1',
}


@pytest.mark.parametrize("raw", list(ODD.values()), ids=list(ODD))
def test_anything_else_is_left_to_the_careful_path(raw):
    assert read_depth(raw, futures=False) is None
    assert read_depth(raw.encode(), futures=False) is None


def test_bytes_that_are_not_ascii_are_left_to_the_careful_path():
    """The typed decode skips fields it does not read (here `stream`) without checking them; the
    careful path decodes them all and refuses bad UTF-8."""
    raw = compact(depth("BTCUSDT", 101, 103, bids=BIDS)).encode().replace(b"@depth", b"\xff@depth")
    assert read_depth(raw, futures=False) is None
