"""An independent reference for the consolidated-book tests: written from the issue's rules, not
from books.conversion or books.consolidated (which it must never import).

Base units: spot and USD-M as they are; COIN-M contracts x contract size (USD) / price; Deribit
inverse (USD-quoted perpetuals and futures) amount / price. Divisions at 28 significant digits;
totals summed as exact fractions.
"""

from __future__ import annotations

from decimal import Context, Decimal
from fractions import Fraction

EXACT_DIVISION = Context(prec=28)


def base_quantity(
    *, venue: str, kind: str, quote: str, contract_size, price: Decimal, qty: Decimal
) -> Decimal:
    if venue == "binance-coinm" and kind in ("perpetual", "future"):
        usd = qty * Decimal(contract_size)  # contracts are whole numbers: exact
        return EXACT_DIVISION.divide(usd, price)
    if venue == "deribit" and quote == "USD" and kind in ("perpetual", "future"):
        return EXACT_DIVISION.divide(qty, price)
    return qty


def expected_book(members: dict[str, dict]) -> dict[str, list]:
    """`members`: key -> {"venue", "kind", "quote", "contract_size", "bids": [(p, q)], "asks": [...]}
    in venue units. Returns {"bids"/"asks": [(price, Fraction total, {key: Decimal base qty})]} best first."""
    out = {}
    for side in ("bids", "asks"):
        levels: dict[Decimal, dict[str, Decimal]] = {}
        for key, m in members.items():
            for p, q in m[side]:
                if q == 0:
                    continue
                base = base_quantity(
                    venue=m["venue"],
                    kind=m["kind"],
                    quote=m["quote"],
                    contract_size=m["contract_size"],
                    price=p,
                    qty=q,
                )
                levels.setdefault(p, {})[key] = base
        prices = sorted(levels, reverse=side == "bids")
        out[side] = [
            (p, sum((Fraction(q) for q in levels[p].values()), Fraction(0)), levels[p]) for p in prices
        ]
    return out


def as_exact(rows) -> list:
    """Book rows (price, total, {key: qty}) with the total as an exact Fraction, for comparison."""
    return [(Decimal(p), Fraction(Decimal(t)), {k: Decimal(q) for k, q in by.items()}) for p, t, by in rows]
