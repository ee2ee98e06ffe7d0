"""Cost to trade a size: the routed sweep across venues against the best single venue (analytics.cost)."""

from __future__ import annotations

from decimal import Decimal

from analytics.cost import EXACT, ZERO, sweep
from analytics.metrics.base import Metric
from analytics.metrics.params import Param

FIRST_READ = 64  # levels read first; more only when the size needs them


class CostToTrade(Metric):
    """Average price, slippage and routing saving of a market order of `size` swept across venues.

    Routed sweep of the consolidated levels best first (a level taken in part is split between its
    venues in proportion to their quantities): average_price = quote amount / filled base;
    slippage_bps = (average - mid) / mid x 10^4 for a buy, (mid - average) / mid x 10^4 for a sell;
    saving_bps = (single - average) / single x 10^4 (buy; sell the other way round) against the best
    venue instrument that fills the whole size alone. With unit=quote the size is a notional and a
    level gives at most price x quantity of it. Exact Decimal sweep (analytics/cost.py); values are
    floats here for the bars. Source: Perold, "The implementation shortfall: paper versus reality",
    Journal of Portfolio Management 14(3), 1988 (cost of execution against the mid); the routed split
    is what a smart order router does across venues.
    """

    name = "cost_to_trade"
    params = (
        Param("side", "choice", "buy", help="buy sweeps the asks, sell the bids", choices=("buy", "sell")),
        Param(
            "size",
            "decimal",
            Decimal(1),
            help="how much: base units, or quote notional with unit=quote",
            min=0,
            max=1e15,
            min_exclusive=True,
        ),
        Param("unit", "choice", "base", help="base quantity or quote notional", choices=("base", "quote")),
    )

    def compute(self, book, trades=None, state=None, *, now=None):
        side, size, unit = self.params["side"], self.params["size"], self.params["unit"]
        book_side = "asks" if side == "buy" else "bids"
        levels = enough(lambda n: book.levels(book_side, n), size=size, unit=unit)
        if not levels:
            return None
        own = {}
        for key in book.venues_in():
            rows = enough(lambda n, key=key: book.venue_levels(key, book_side, n), size=size, unit=unit)
            if _holds(rows, size=size, unit=unit):  # only a venue that fills alone can be the best single
                own[key] = rows
        r = sweep(
            levels_by_side={book_side: levels},
            side=side,
            size=size,
            unit=unit,
            mid=book.mid(),
            venue_levels=own,
        )
        out = {
            "average_price": float(r["average_price"]),
            "filled_base": float(r["filled_base"]),
            "unfilled": float(r["unfilled"]),
        }
        if r["slippage_bps"] is not None:
            out["slippage_bps"] = float(r["slippage_bps"])
        if r["saving_bps"] is not None:
            out["saving_bps"] = float(r["saving_bps"])
            out["best_venue"] = r["best_single_venue"]["venue"]
        return out


def enough(read, *, size: Decimal, unit: str) -> list:
    """`read(n)`'s rows (price, base qty, ...) best first, reading a few at a time until they hold
    `size` or the side is read whole: a small size on a deep book costs a few levels, not the book."""
    n = FIRST_READ
    while True:
        rows = read(n)
        if len(rows) < n or _holds(rows, size=size, unit=unit):
            return rows
        n *= 4


def _holds(rows, *, size: Decimal, unit: str) -> bool:
    room = ZERO
    for row in rows:
        room = EXACT.add(room, row[1] if unit == "base" else EXACT.multiply(row[0], row[1]))
    return room >= size
