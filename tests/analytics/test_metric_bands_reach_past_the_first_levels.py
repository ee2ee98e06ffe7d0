"""A band around the mid wider than the first levels read: the band metrics read on until the band
ends, and give the same answer through the view LiveMetrics shares between metrics."""

import pytest

from analytics.metrics import get_metric
from analytics.metrics.base import BookView
from tests.analytics.metric_books import TinyBook

# 300 levels a side, one unit apart, 1 each: bids 1000 down to 701, asks 1001 up to 1300; mid 1000.5.
DEEP = TinyBook([(str(1000 - i), "1") for i in range(300)], [(str(1001 + i), "1") for i in range(300)])


@pytest.mark.parametrize("book", [DEEP, BookView(DEEP)], ids=["book", "shared view"])
def test_depth_over_150_levels_a_side(book):
    # 1500 bps: bids >= 1000.5 x 0.85 = 850.425 (1000..851: 150 levels); asks <= 1150.575 (1001..1150)
    assert get_metric("depth")(bps=1500).compute(book) == {"bids": 150.0, "asks": 150.0}
    # notional: 851 + ... + 1000 = (851 + 1000) x 150 / 2; 1001 + ... + 1150 = (1001 + 1150) x 150 / 2
    assert get_metric("depth")(bps=1500, unit="quote").compute(book) == {"bids": 138825.0, "asks": 161325.0}
    assert get_metric("imbalance_bps")(bps=1500).compute(book) == 0.0
    assert get_metric("imbalance")(levels=5).compute(book) == 0.0
    # 10000 bps takes every bid (>= 0) and the asks up to 2001: the whole book
    assert get_metric("depth")(bps=10_000).compute(book) == {"bids": 300.0, "asks": 300.0}
