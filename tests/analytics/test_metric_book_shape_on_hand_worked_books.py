"""Imbalance, spread, mid, microprice and depth on book A (tests/analytics/metric_books.py),
every number worked out by hand from its levels:

    bids 100: 1.5 | 99: 2 | 98: 3          asks 101: 2 | 102: 1 | 103: 2
"""

import pytest

from analytics.metrics import get_metric
from tests.analytics.metric_books import BOOK_A, consolidated

approx = pytest.approx


@pytest.fixture(scope="module")
def book():
    return consolidated(BOOK_A)


def compute(book, name, **params):
    return get_metric(name)(**params).compute(book)


def test_imbalance_over_the_top_levels(book):
    assert compute(book, "imbalance", levels=1) == approx((1.5 - 2) / 3.5)
    assert compute(book, "imbalance", levels=2) == approx((3.5 - 3) / 6.5)
    assert compute(book, "imbalance") == approx((6.5 - 5) / 11.5)  # default 10: the whole book


def test_imbalance_within_bps_of_the_mid(book):
    # mid 100.5; 200 bps: bids >= 98.49 (100, 99 = 3.5), asks <= 102.51 (101, 102 = 3)
    assert compute(book, "imbalance_bps", bps=200) == approx((3.5 - 3) / 6.5)
    # 100 bps: bids >= 99.495 (1.5), asks <= 101.505 (2)
    assert compute(book, "imbalance_bps", bps=100) == approx((1.5 - 2) / 3.5)


def test_spread_and_mid(book):
    assert compute(book, "mid") == approx(100.5)
    spread = compute(book, "spread")
    assert spread["abs"] == approx(1.0)
    assert spread["bps"] == approx(1 / 100.5 * 10_000)  # 99.5025 bps


def test_microprice_weighs_the_mid_by_the_opposite_size(book):
    # touch: bid 100 x 1.5, ask 101 x 2 -> (100 x 2 + 101 x 1.5) / 3.5
    assert compute(book, "microprice") == approx(351.5 / 3.5)
    # two levels a side: Qb = 3.5, Qa = 3 -> (100 x 3 + 101 x 3.5) / 6.5
    assert compute(book, "microprice", levels=2) == approx(653.5 / 6.5)


def test_depth_within_bps_per_side(book):
    assert compute(book, "depth", bps=100) == {"bids": approx(1.5), "asks": approx(2.0)}
    assert compute(book, "depth", bps=200) == {"bids": approx(3.5), "asks": approx(3.0)}
    # notional: 100 x 1.5 + 99 x 2 = 348; 101 x 2 + 102 x 1 = 304
    assert compute(book, "depth", bps=200, unit="quote") == {"bids": approx(348.0), "asks": approx(304.0)}


def test_an_empty_side_gives_no_value():
    from tests.analytics.metric_books import TinyBook

    empty = TinyBook([("100", "1")], [])
    for name in ("imbalance_bps", "spread", "mid", "microprice", "depth", "venue_share"):
        assert compute(empty, name) is None, name
    assert compute(empty, "imbalance") == approx(1.0)  # all bids
