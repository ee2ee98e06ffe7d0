"""An independent cost-to-trade sweep in exact rational arithmetic (fractions.Fraction), written
from the issue's definition without importing analytics.cost, to check the `cost` command with."""

from __future__ import annotations

from fractions import Fraction as F


def _levels(entry: dict, book_side: str) -> list[tuple[F, F, dict[str, F]]]:
    return [(F(p), F(q), {k: F(v) for k, v in parts.items()}) for p, q, parts in entry[book_side]]


def _walk(levels, size: F, unit: str) -> dict:
    left, base, quote, worst, alloc, alloc_q = size, F(0), F(0), None, {}, {}
    for price, total, parts in levels:
        if left <= 0:
            break
        room = total if unit == "base" else price * total
        used = min(left, room)
        got = used if unit == "base" else used / price
        left -= used
        base += got
        quote += got * price
        worst = price
        whole = sum(parts.values())
        for key, qty in parts.items():  # a part of a level is shared in proportion to the venues
            alloc[key] = alloc.get(key, F(0)) + got * qty / whole
            alloc_q[key] = alloc_q.get(key, F(0)) + got * qty / whole * price
    return {
        "filled_base": base,
        "quote_amount": quote,
        "unfilled": left,
        "worst_price": worst,
        "average_price": quote / base if base else None,
        "allocations": alloc,
        "allocation_quote": alloc_q,
    }


def reference_cost(entry: dict, *, side: str, size: F, unit: str) -> dict:
    levels = _levels(entry, "asks" if side == "buy" else "bids")
    routed = _walk(levels, size, unit)
    bids, asks = entry["bids"], entry["asks"]
    mid = (F(bids[0][0]) + F(asks[0][0])) / 2 if bids and asks else None
    sign = 1 if side == "buy" else -1
    avg = routed["average_price"]
    keys = sorted({k for _, _, parts in levels for k in parts})
    alone = {
        k: _walk([(p, parts[k], {k: parts[k]}) for p, _, parts in levels if k in parts], size, unit)
        for k in keys
    }
    best = None
    for key in keys:
        if alone[key]["unfilled"] == 0:
            a = alone[key]["average_price"]
            if best is None or (
                a < alone[best]["average_price"] if side == "buy" else a > alone[best]["average_price"]
            ):
                best = key
    out = {
        **routed,
        "mid": mid,
        "slippage_bps": sign * (avg - mid) / mid * 10000 if avg is not None and mid else None,
        "best_single_venue": best,
        "per_venue": alone,
        "saving_bps": None,
        "saving_quote": None,
    }
    if best is not None and avg is not None:
        single = alone[best]["average_price"]
        out["saving_bps"] = sign * (single - avg) / single * 10000
        out["saving_quote"] = sign * (single - avg) * routed["filled_base"]
    return out
