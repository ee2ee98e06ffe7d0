"""Each venue's share of the depth near the mid."""

from __future__ import annotations

from analytics.metrics.base import BAND_BPS, Metric, levels_within, mid_of
from analytics.metrics.params import Param


class VenueShare(Metric):
    """Each venue's share of the consolidated depth within `bps` basis points of the mid.

    share_v = D_v / sum_w D_w, D_v the base quantity venue v contributes to the levels within the
    band (bids at or above mid x (1 - bps/10^4), asks at or below mid x (1 + bps/10^4); `side`
    picks bids, asks or both). Keys are the members ("venue:SYMBOL"); None when the band is empty.
    Source: the market-share-of-liquidity measure of Foucault, Pagano and Roell, "Market
    Liquidity" (2013), ch. 8 (fragmentation).
    """

    name = "venue_share"
    params = (
        BAND_BPS,
        Param("side", "choice", "both", help="which side's depth", choices=("both", "bids", "asks")),
    )

    def compute(self, book, trades=None, state=None, *, now=None):
        mid = mid_of(book)
        if mid is None:
            return None
        wanted = ("bids", "asks") if self.params["side"] == "both" else (self.params["side"],)
        by: dict[str, float] = {}
        for side in wanted:
            for _, _, venues in levels_within(book, side, bps=self.params["bps"], mid=mid):
                for key, q in venues.items():
                    by[key] = by.get(key, 0.0) + float(q)
        total = sum(by.values())
        if total <= 0:
            return None
        return {key: by[key] / total for key in sorted(by)}
