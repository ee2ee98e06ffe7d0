"""Traded volume of the pair."""

from __future__ import annotations

from analytics.metrics.base import Metric
from analytics.metrics.params import Param
from analytics.metrics.vwap import in_window


class Volume(Metric):
    """Traded volume over the last `window` seconds, every venue of the pair.

    base = sum(q_i) (base units); quote = sum(p_i x q_i); buy / sell = base volume by taker side;
    trades = count. Source: the standard definition (e.g. Harris, "Trading and Exchanges", 2003).
    """

    name = "volume"
    params = (
        Param(
            "window", "float", 60.0, help="look-back", unit="seconds", min=0, max=86_400, min_exclusive=True
        ),
    )
    needs_trades = True

    def compute(self, book, trades=None, state=None, *, now=None):
        now = book.updated_at if now is None else now
        recent = in_window(trades, now=now, window=self.params["window"])
        return {
            "base": sum(t.qty for t in recent),
            "quote": sum(t.price * t.qty for t in recent),
            "buy": sum(t.qty for t in recent if t.side == "buy"),
            "sell": sum(t.qty for t in recent if t.side == "sell"),
            "trades": float(len(recent)),
        }
