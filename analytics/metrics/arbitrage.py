"""The best cross-venue arbitrage in the consolidated book."""

from __future__ import annotations

from analytics.metrics.base import BPS, Metric
from analytics.metrics.params import Param


def _crossing(bids, asks, fee: float) -> tuple[float, float]:
    """(size, profit) of buying `asks` and selling into `bids` while the sale beats the purchase."""
    size = profit = 0.0
    i = j = 0
    left_b = float(bids[0][1]) if bids else 0.0
    left_a = float(asks[0][1]) if asks else 0.0
    while i < len(bids) and j < len(asks):
        sell, buy = float(bids[i][0]) * (1 - fee), float(asks[j][0]) * (1 + fee)
        if not sell > buy:
            break
        m = min(left_b, left_a)
        size += m
        profit += m * (sell - buy)
        left_b -= m
        left_a -= m
        if left_b <= 0:
            i += 1
            left_b = float(bids[i][1]) if i < len(bids) else 0.0
        if left_a <= 0:
            j += 1
            left_a = float(asks[j][1]) if j < len(asks) else 0.0
    return size, profit


class Arbitrage(Metric):
    """The most profitable cross-venue crossing: buy on one venue's asks, sell into another's bids.

    For each ordered pair of venues in the book (seller S, buyer B) with B's best bid above S's
    best ask: match B's bids (best first) against S's asks (best first) while
    bid x (1 - fee) > ask x (1 + fee), fee = fee_bps / 10^4 a leg. size = base quantity matched,
    profit = sum of matched q x (bid x (1 - fee) - ask x (1 + fee)) in quote, bps = (best bid - best
    ask) / best ask x 10^4. The pair with the largest profit wins; None when no venue's bid crosses
    another's ask. Source: Makarov and Schoar, "Trading and arbitrage in cryptocurrency markets",
    Journal of Financial Economics 135(2), 2020 (cross-exchange price deviations).
    """

    name = "arbitrage"
    params = (Param("fee_bps", "float", 0.0, help="taker fee a leg", unit="bps", min=0, max=1_000),)

    def compute(self, book, trades=None, state=None, *, now=None):
        fee = self.params["fee_bps"] / BPS
        keys = sorted(k for k, m in book.members.items() if m.included)
        tops = {k: (book.venue_levels(k, "bids", 1), book.venue_levels(k, "asks", 1)) for k in keys}
        found = None
        for buyer in keys:
            top_bid = tops[buyer][0]
            for seller in keys:
                top_ask = tops[seller][1]
                if seller == buyer or not top_bid or not top_ask:
                    continue
                bid, ask = float(top_bid[0][0]), float(top_ask[0][0])
                if not bid * (1 - fee) > ask * (1 + fee):
                    continue
                size, profit = _crossing(
                    book.venue_levels(buyer, "bids"), book.venue_levels(seller, "asks"), fee
                )
                if found is None or profit > found["profit"]:
                    found = {
                        "bid_venue": buyer,
                        "ask_venue": seller,
                        "bid": bid,
                        "ask": ask,
                        "size": size,
                        "profit": profit,
                        "bps": (bid - ask) / ask * BPS,
                    }
        return found
