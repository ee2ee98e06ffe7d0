"""Books for the metric tests, worked out by hand.

`consolidated(venue_books)` merges venue books through the real ConsolidatedBooks (so the metrics
read the project's own book); `TinyBook` is a test-only book of best-first levels, for metrics
followed through a sequence of states (OFI, realised volatility).
"""

from __future__ import annotations

from decimal import Decimal

from exchanges.types import InstrumentSpec
from tests.books.venue_books import venue_book

D = Decimal
SPOT = InstrumentSpec(venue="binance", symbol="BTCUSDT", pair="BTC-USDT", kind="spot")
USDM = InstrumentSpec(venue="binance-usdm", symbol="BTCUSDT", pair="BTC-USDT", kind="perpetual")
COINM = InstrumentSpec(
    venue="binance-coinm",
    symbol="BTCUSD_PERP",
    pair="BTC-USD",
    kind="perpetual",
    contract_size=D(100),
    consolidate_into="BTC-USDT",
)
DERIBIT = InstrumentSpec(
    venue="deribit", symbol="BTC-PERPETUAL", pair="BTC-USD", kind="perpetual", consolidate_into="BTC-USDT"
)

# Book A, two linear venues (base units as they are):
#   bids 100: spot 1 + usdm 0.5 = 1.5 | 99: spot 2 | 98: usdm 3
#   asks 101: spot 1.5 + usdm 0.5 = 2 | 102: spot 1 | 103: usdm 2
BOOK_A = {
    SPOT: {"bids": [("100", "1"), ("99", "2")], "asks": [("101", "1.5"), ("102", "1")]},
    USDM: {"bids": [("100", "0.5"), ("98", "3")], "asks": [("101", "0.5"), ("103", "2")]},
}
# Book B, crossed across venues: spot bids 105 above usdm's ask 103.
BOOK_B = {
    SPOT: {"bids": [("105", "1"), ("104", "2")], "asks": [("106", "1")]},
    USDM: {"bids": [("99", "1")], "asks": [("103", "0.5"), ("104", "1"), ("110", "5")]},
}
# Book C, three venues in their own units (prices 2^a x 5^b so the conversions are exact):
#   bids 40000: spot 1 + coin-m 16 contracts (1600 USD = 0.04 BTC) + deribit 4000 USD (0.1 BTC)
#        32000: coin-m 32 contracts (0.1 BTC)
#   asks 50000: spot 0.3 + coin-m 10 contracts (0.02 BTC) | 51200: spot 0.5 + deribit 10240 USD (0.2 BTC)
#        64000: deribit 32000 USD (0.5 BTC)
BOOK_C = {
    SPOT: {"bids": [("40000", "1")], "asks": [("50000", "0.3"), ("51200", "0.5")]},
    COINM: {"bids": [("40000", "16"), ("32000", "32")], "asks": [("50000", "10")]},
    DERIBIT: {"bids": [("40000", "4000")], "asks": [("51200", "10240"), ("64000", "32000")]},
}


def consolidated(venue_books: dict, *, ts: float = 1795000000.0):
    """The real consolidated BTC-USDT book of these venue books."""
    from books.consolidated import ConsolidatedBooks

    books = ConsolidatedBooks(list(venue_books))
    for spec, levels in venue_books.items():
        books.book_changed(spec, venue_book(spec, levels), ts=ts, bids=[], asks=[], snapshot=True)
    return books.books["BTC-USDT"]


class TinyBook:
    """Best-first levels of one venue, "x:Y"; just what the single-venue metrics read."""

    def __init__(self, bids, asks, *, updated_at: float = 0.0) -> None:
        self._sides = {
            "bids": [(D(p), D(q), {"x:Y": D(q)}) for p, q in bids],
            "asks": [(D(p), D(q), {"x:Y": D(q)}) for p, q in asks],
        }
        self.updated_at = updated_at
        self.members = {}

    def levels(self, side, n=None, group=None):
        rows = self._sides[side]
        return list(rows if n is None else rows[:n])

    def best_bid(self):
        return self._sides["bids"][0][0] if self._sides["bids"] else None

    def best_ask(self):
        return self._sides["asks"][0][0] if self._sides["asks"] else None

    def mid(self):
        bid, ask = self.best_bid(), self.best_ask()
        return None if bid is None or ask is None else (bid + ask) / 2
