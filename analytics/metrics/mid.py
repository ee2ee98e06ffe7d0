"""The consolidated mid price."""

from __future__ import annotations

from analytics.metrics.base import Metric, mid_of


class Mid(Metric):
    """Mid price of the consolidated book.

    mid = (best bid + best ask) / 2, over every venue in the book. Source: Harris, "Trading and
    Exchanges" (2003), ch. 14.
    """

    name = "mid"

    def compute(self, book, trades=None, state=None, *, now=None):
        return mid_of(book)
