"""Bid/ask volume imbalance within a band around the mid."""

from __future__ import annotations

from analytics.metrics.base import BAND_BPS, Metric, levels_within, mid_of
from analytics.metrics.imbalance import imbalance_of


class ImbalanceWithinBps(Metric):
    """Volume imbalance of the levels within `bps` basis points of the mid, on quantities.

    I = (B - A) / (B + A), B the base quantity bid at prices >= mid x (1 - bps/10^4), A the base
    quantity offered at prices <= mid x (1 + bps/10^4). Source: Cartea, Jaimungal and Penalva (2015),
    section 4.2; a band in bps rather than a level count compares venues with different tick sizes.
    """

    name = "imbalance_bps"
    params = (BAND_BPS,)

    def compute(self, book, trades=None, state=None, *, now=None):
        mid = mid_of(book)
        if mid is None:
            return None
        bps = self.params["bps"]
        bids = sum(float(q) for _, q, _ in levels_within(book, "bids", bps=bps, mid=mid))
        asks = sum(float(q) for _, q, _ in levels_within(book, "asks", bps=bps, mid=mid))
        return imbalance_of(bids, asks)
