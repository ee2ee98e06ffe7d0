"""Cutting and grouping the consolidated levels of a live payload, for the API and the browser.

A payload's levels are `[price, total, {venue key: qty}]` with decimal strings, best first. Grouping
buckets prices to multiples of `group` (bids round down, asks round up, so a bucket never looks
better than the prices in it) and sums totals and venue quantities exactly with Decimal.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation, localcontext

from books.numbers import plain

SIDES = ("bids", "asks")


class BadGroup(ValueError):
    """A grouping step that is not a positive finite decimal."""


def parse_group(text: str | None) -> Decimal | None:
    """`None`/empty: no grouping; otherwise a positive decimal price step like "0.5" or "10"."""
    if text is None or text == "":
        return None
    try:
        step = Decimal(text)
    except (InvalidOperation, TypeError):
        raise BadGroup(f"group must be a positive decimal price step, got {text!r:.40}") from None
    if not step.is_finite() or step <= 0:
        raise BadGroup(f"group must be a positive decimal price step, got {text!r:.40}")
    if step.as_tuple().exponent < -18 or step > Decimal("1e12"):
        raise BadGroup(f"group {text!r:.40} is out of range (1e-18 to 1e12)")
    return step


def _bucket(price: Decimal, step: Decimal, side: str) -> Decimal:
    rounding = ROUND_FLOOR if side == "bids" else ROUND_CEILING
    return (price / step).to_integral_value(rounding=rounding) * step


def cut_levels(levels: list, *, side: str, depth: int | None, group: Decimal | None) -> list:
    """The first `depth` levels (after grouping, if any) of one side, in the payload's shape."""
    if group is None:
        return levels if depth is None else levels[:depth]
    out: list = []
    with localcontext() as ctx:
        ctx.prec = 40
        current: Decimal | None = None
        total = Decimal(0)
        venues: dict[str, Decimal] = {}
        for price, qty, parts in levels:
            bucket = _bucket(Decimal(price), group, side)
            if bucket != current:
                if current is not None:
                    out.append(_level(current, total, venues))
                    if depth is not None and len(out) >= depth:
                        return out
                current, total, venues = bucket, Decimal(0), {}
            total += Decimal(qty)
            for key, part in parts.items():
                venues[key] = venues.get(key, Decimal(0)) + Decimal(part)
        if current is not None and (depth is None or len(out) < depth):
            out.append(_level(current, total, venues))
    return out


def _level(price: Decimal, total: Decimal, venues: dict[str, Decimal]) -> list:
    return [plain(price), plain(total), {k: plain(v) for k, v in venues.items()}]


def cut_book(book: dict, *, depth: int | None, group: Decimal | None) -> dict:
    """Both sides of a `{"bids": [...], "asks": [...]}` book, cut and grouped."""
    return {side: cut_levels(book.get(side) or [], side=side, depth=depth, group=group) for side in SIDES}
