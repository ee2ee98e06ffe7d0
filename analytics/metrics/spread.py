"""The consolidated best bid/ask spread."""

from __future__ import annotations

from analytics.metrics.base import BPS, Metric, best


class Spread(Metric):
    """Quoted spread of the consolidated book, absolute and in basis points of the mid.

    abs = ask - bid; bps = (ask - bid) / ((ask + bid) / 2) x 10^4. Negative when the book is crossed
    across venues (kept: that is an arbitrage, see the `arbitrage` metric). Source: Harris, "Trading
    and Exchanges" (2003), ch. 14 (the quoted spread).
    """

    name = "spread"

    def compute(self, book, trades=None, state=None, *, now=None):
        quotes = best(book)
        if quotes is None:
            return None
        bid, ask = quotes
        mid = (bid + ask) / 2
        return {"abs": ask - bid, "bps": (ask - bid) / mid * BPS}
