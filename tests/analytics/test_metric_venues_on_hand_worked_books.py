"""Cross-venue metrics on hand-worked books (tests/analytics/metric_books.py): the best arbitrage
of a crossed book, and each venue's share of the depth near the mid, in base units across
spot, COIN-M contracts and Deribit USD amounts."""

import pytest

from analytics.metrics import get_metric
from tests.analytics.metric_books import BOOK_A, BOOK_B, BOOK_C, consolidated

approx = pytest.approx


def test_arbitrage_of_a_crossed_book():
    # Buy usdm's asks (103 x 0.5, 104 x 1) and sell into spot's bids (105 x 1, 104 x 2):
    # 0.5 at 105/103 (+1.0), 0.5 at 105/104 (+0.5); 104 against 104 does not cross.
    found = get_metric("arbitrage")().compute(consolidated(BOOK_B))
    assert found == {
        "bid_venue": "binance:BTCUSDT",
        "ask_venue": "binance-usdm:BTCUSDT",
        "bid": 105.0,
        "ask": 103.0,
        "size": approx(1.0),
        "profit": approx(1.5),
        "bps": approx(2 / 103 * 10_000),
    }


def test_arbitrage_after_fees():
    # 50 bps a leg: 105 x 0.995 = 104.475 > 103 x 1.005 = 103.515, but < 104 x 1.005 = 104.52
    found = get_metric("arbitrage")(fee_bps=50).compute(consolidated(BOOK_B))
    assert found["size"] == approx(0.5)
    assert found["profit"] == approx(0.5 * (104.475 - 103.515))


def test_no_arbitrage_in_an_uncrossed_book():
    assert get_metric("arbitrage")().compute(consolidated(BOOK_A)) is None


def test_venue_share_of_the_depth_near_the_mid():
    # Book C: mid 45000; 2500 bps: bids >= 33750 (the 40000 level), asks <= 56250 (50000, 51200).
    # spot 1 + 0.3 + 0.5 = 1.8; coin-m 0.04 + 0.02 = 0.06; deribit 0.1 + 0.2 = 0.3; total 2.16
    shares = get_metric("venue_share")(bps=2500).compute(consolidated(BOOK_C))
    assert shares == {
        "binance-coinm:BTCUSD_PERP": approx(0.06 / 2.16),
        "binance:BTCUSDT": approx(1.8 / 2.16),
        "deribit:BTC-PERPETUAL": approx(0.3 / 2.16),
    }
    bids_only = get_metric("venue_share")(bps=2500, side="bids").compute(consolidated(BOOK_C))
    assert bids_only == {
        "binance-coinm:BTCUSD_PERP": approx(0.04 / 1.14),
        "binance:BTCUSDT": approx(1 / 1.14),
        "deribit:BTC-PERPETUAL": approx(0.1 / 1.14),
    }
