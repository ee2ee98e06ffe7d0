"""The size-weighted mid (micro-price) of the consolidated book."""

from __future__ import annotations

from analytics.metrics.base import Metric
from analytics.metrics.params import Param


class Microprice(Metric):
    """Micro-price: the mid weighted by the opposite side's size.

    P = (bid x Qa + ask x Qb) / (Qa + Qb), Qb and Qa the base quantities of the best `levels` bid
    and ask levels (1: the touch), bid and ask the best prices. A heavy bid pulls it toward the ask.
    Source: Stoikov, "The micro-price: a high-frequency estimator of future prices" (2018), eq. (1)
    (the weighted mid it starts from); Gatheral and Oomen (2010).
    """

    name = "microprice"
    params = (
        Param("levels", "int", 1, help="levels a side whose sizes weigh", unit="levels", min=1, max=1000),
    )

    def compute(self, book, trades=None, state=None, *, now=None):
        n = self.params["levels"]
        bids, asks = book.levels("bids", n), book.levels("asks", n)
        if not bids or not asks:
            return None
        qb = sum(float(q) for _, q, _ in bids)
        qa = sum(float(q) for _, q, _ in asks)
        if qa + qb <= 0:
            return None
        bid, ask = float(bids[0][0]), float(asks[0][0])
        return (bid * qa + ask * qb) / (qa + qb)
