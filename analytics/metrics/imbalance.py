"""Bid/ask volume imbalance over the top N levels of the consolidated book."""

from __future__ import annotations

from analytics.metrics.base import Metric
from analytics.metrics.params import Param


def imbalance_of(bid_qty: float, ask_qty: float) -> float | None:
    total = bid_qty + ask_qty
    return None if total <= 0 else (bid_qty - ask_qty) / total


class Imbalance(Metric):
    """Volume imbalance of the top `levels` price levels a side, on quantities.

    I = (B - A) / (B + A), B and A the summed base quantities of the best `levels` bid and ask
    levels: +1 all bids, -1 all asks. Source: Cartea, Jaimungal and Penalva, "Algorithmic and
    High-Frequency Trading" (2015), section 4.2 (volume imbalance); Cont, Kukanov and Stoikov (2014).
    """

    name = "imbalance"
    params = (Param("levels", "int", 10, help="price levels a side", unit="levels", min=1, max=5000),)

    def compute(self, book, trades=None, state=None, *, now=None):
        n = self.params["levels"]
        bids = sum(float(q) for _, q, _ in book.levels("bids", n))
        asks = sum(float(q) for _, q, _ in book.levels("asks", n))
        return imbalance_of(bids, asks)
