"""Depth within a band around the mid, per side."""

from __future__ import annotations

from analytics.metrics.base import BAND_BPS, Metric, levels_within, mid_of
from analytics.metrics.params import Param


class Depth(Metric):
    """Resting quantity within `bps` basis points of the mid, each side.

    bids = sum of q over bid levels with p >= mid x (1 - bps/10^4); asks = sum of q over ask levels
    with p <= mid x (1 + bps/10^4); in base units, or in quote notional (sum of p x q) with
    unit=quote. Source: Kyle (1985) "Continuous auctions and insider trading" (depth as liquidity);
    the band-around-mid form is the "market depth at x bps" of Binance's and Kaiko's depth reports.
    """

    name = "depth"
    params = (
        BAND_BPS,
        Param("unit", "choice", "base", help="base quantity or quote notional", choices=("base", "quote")),
    )

    def compute(self, book, trades=None, state=None, *, now=None):
        mid = mid_of(book)
        if mid is None:
            return None
        bps, quote = self.params["bps"], self.params["unit"] == "quote"
        out = {}
        for side in ("bids", "asks"):
            rows = levels_within(book, side, bps=bps, mid=mid)
            out[side] = sum(float(p) * float(q) if quote else float(q) for p, q, _ in rows)
        return out
