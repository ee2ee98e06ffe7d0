"""Venue frames as the exchanges spell them, for tests."""


def depth(
    symbol: str,
    first: int,
    last: int,
    bids=(),
    asks=(),
    *,
    prev: int | None = None,
    ts: int = 1_700_000_000_000,
):
    data = {
        "e": "depthUpdate",
        "E": ts,
        "s": symbol,
        "U": first,
        "u": last,
        "b": [list(x) for x in bids],
        "a": [list(x) for x in asks],
    }
    if prev is not None:
        data["T"] = ts
        data["pu"] = prev
    return {"stream": f"{symbol.lower()}@depth@100ms", "data": data}


def snapshot(last_id: int, bids=(), asks=()):
    return {"lastUpdateId": last_id, "bids": [list(x) for x in bids], "asks": [list(x) for x in asks]}


def deribit_book(
    symbol: str, kind: str, change_id: int, bids=(), asks=(), *, prev: int | None = None, channel="100ms"
):
    data = {
        "type": kind,
        "timestamp": 1_700_000_000_000,
        "instrument_name": symbol,
        "change_id": change_id,
        "bids": [list(x) for x in bids],
        "asks": [list(x) for x in asks],
    }
    if prev is not None:
        data["prev_change_id"] = prev
    return {
        "jsonrpc": "2.0",
        "method": "subscription",
        "params": {"channel": f"book.{symbol}.{channel}", "data": data},
    }
