"""Volume-weighted average price of the pair's trades."""

from __future__ import annotations

from analytics.metrics.base import Metric
from analytics.metrics.params import Param


def in_window(trades, *, now: float, window: float):
    start = now - window
    return [t for t in trades or () if start < t.ts <= now]


class Vwap(Metric):
    """VWAP of the trades of every venue of the pair in the last `window` seconds.

    VWAP = sum(p_i x q_i) / sum(q_i), q_i in base units (COIN-M contracts and Deribit USD amounts
    converted at the trade's price). None without trades. Source: Berkowitz, Logue and Noser,
    "The total cost of transactions on the NYSE", Journal of Finance 43(1), 1988.
    """

    name = "vwap"
    params = (
        Param(
            "window", "float", 60.0, help="look-back", unit="seconds", min=0, max=86_400, min_exclusive=True
        ),
    )
    needs_trades = True

    def compute(self, book, trades=None, state=None, *, now=None):
        now = book.updated_at if now is None else now
        recent = in_window(trades, now=now, window=self.params["window"])
        qty = sum(t.qty for t in recent)
        if qty <= 0:
            return None
        return sum(t.price * t.qty for t in recent) / qty
