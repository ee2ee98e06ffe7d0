"""Traded volume of the pair."""

from __future__ import annotations

from analytics.metrics.base import WINDOW_SECONDS, Metric, recent_trades


class Volume(Metric):
    """Traded volume over the last `window` seconds, every venue of the pair.

    base = sum(q_i) (base units); quote = sum(p_i x q_i); buy / sell = base volume by taker side;
    trades = count. Source: the standard definition (e.g. Harris, "Trading and Exchanges", 2003).
    """

    name = "volume"
    params = (WINDOW_SECONDS,)
    needs_trades = True

    def compute(self, book, trades=None, state=None, *, now=None):
        recent = recent_trades(self, book, trades, now=now)
        return {
            "base": sum(t.qty for t in recent),
            "quote": sum(t.price * t.qty for t in recent),
            "buy": sum(t.qty for t in recent if t.side == "buy"),
            "sell": sum(t.qty for t in recent if t.side == "sell"),
            "trades": float(len(recent)),
        }
