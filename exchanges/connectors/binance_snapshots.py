"""Binance depth snapshots over REST: the `limit` to ask for, its request weight, and the answer
that means the venue does not know the symbol (retrying will not help)."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from books.numbers import decode_json

FUTURES_LIMITS = (5, 10, 20, 50, 100, 500, 1000)


def snapshot_limit(venue: str, depth: int) -> tuple[int, float]:
    """The snapshot `limit` to ask for (at least `depth`) and its request weight."""
    if venue == "binance":
        limit = max(1, min(depth, 5000))
        weight = 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250
        return limit, weight
    limit = next((x for x in FUTURES_LIMITS if x >= depth), 1000)
    weight = 2 if limit <= 50 else 5 if limit <= 100 else 10 if limit <= 500 else 20
    return limit, weight


@dataclass(slots=True)
class Refused:
    """The venue says the symbol does not exist: retrying will not help."""

    message: str


# Binance error codes that mean "this symbol is not traded here" (not a passing failure).
INVALID_SYMBOL_CODES = frozenset((-1121,))


def refused_symbol(status: int, body: bytes) -> Refused | None:
    """A 400 `{"code": -1121, "msg": "Invalid symbol."}` answer, as a Refused; None otherwise."""
    if status != 400:
        return None
    try:
        msg = decode_json(body)
    except msgspec.DecodeError:
        return None
    if type(msg) is not dict or msg.get("code") not in INVALID_SYMBOL_CODES:
        return None
    return Refused(message=str(msg.get("msg") or "Invalid symbol.")[:200])
