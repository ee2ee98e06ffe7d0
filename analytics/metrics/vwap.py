"""Volume-weighted average price of the pair's trades."""

from __future__ import annotations

from analytics.metrics.base import WINDOW_SECONDS, Metric, recent_trades


class Vwap(Metric):
    """VWAP of the trades of every venue of the pair in the last `window` seconds.

    VWAP = sum(p_i x q_i) / sum(q_i), q_i in base units (COIN-M contracts and Deribit USD amounts
    converted at the trade's price). None without trades. Source: Berkowitz, Logue and Noser,
    "The total cost of transactions on the NYSE", Journal of Finance 43(1), 1988.
    """

    name = "vwap"
    params = (WINDOW_SECONDS,)
    needs_trades = True

    def compute(self, book, trades=None, state=None, *, now=None):
        recent = recent_trades(self, book, trades, now=now)
        qty = sum(t.qty for t in recent)
        if qty <= 0:
            return None
        return sum(t.price * t.qty for t in recent) / qty
