"""Windowed metrics followed through hand-worked sequences: order-flow imbalance (Cont, Kukanov
and Stoikov 2014) of changing best quotes, realised volatility of the mid, VWAP and volume."""

import math

import pytest

from analytics.metrics import TradeRecord, get_metric
from tests.analytics.metric_books import TinyBook

approx = pytest.approx


def test_order_flow_imbalance_over_a_window():
    ofi = get_metric("ofi")(window=10)
    short = get_metric("ofi")(window=1.5)
    s_long, s_short = {}, {}
    states = [
        (0, [("100", "2")], [("101", "3")]),
        (1, [("100", "5")], [("101", "3")]),  # bid same price, grew 2 -> 5: e = 5 - 2 = 3
        (2, [("101", "1")], [("102", "4")]),  # bid up: +1; ask up: + old ask qty 3: e = 4
        (3, [("100", "2")], [("101.5", "1")]),  # bid down: - old 1; ask down: - new 1: e = -2
    ]
    for t, bids, asks in states:
        book = TinyBook(bids, asks, updated_at=t)
        long_value = ofi.compute(book, state=s_long, now=t)
        short_value = short.compute(book, state=s_short, now=t)
    assert long_value == approx(3 + 4 - 2)
    assert short_value == approx(4 - 2)  # events after t = 1.5
    # No change at t = 4: no event; the 1.5 s window now holds only t = 3's.
    assert short.compute(TinyBook([("100", "2")], [("101.5", "1")]), state=s_short, now=4) == approx(-2)


def test_realized_volatility_of_sampled_mids():
    rv = get_metric("realized_vol")(window=10, sample=1)
    state = {}
    assert rv.compute(TinyBook([("99", "1")], [("101", "1")]), state=state, now=0) is None  # one sample
    rv.compute(TinyBook([("100", "1")], [("102", "1")]), state=state, now=1)  # mid 101
    rv.compute(TinyBook([("200", "1")], [("202", "1")]), state=state, now=1.5)  # < 1 s later: not sampled
    value = rv.compute(TinyBook([("99", "1")], [("101", "1")]), state=state, now=2)  # mid 100
    # ln(101/100) = 0.00995033, ln(100/101) = -0.00995033 -> sqrt(2) x 0.00995033 = 0.01407189
    assert value == approx(0.01407189, abs=1e-8)
    # At 11.5 s (mid 101 sampled) the samples before 1.5 s are out of the window: one return left,
    # from t = 2 (mid 100) to t = 11.5 (mid 101).
    later = rv.compute(TinyBook([("100", "1")], [("102", "1")]), state=state, now=11.5)
    assert later == approx(math.log(101 / 100), rel=1e-9)


TRADES = [
    TradeRecord(ts=1, price=100.0, qty=1.0, side="buy", venue="binance:BTCUSDT"),
    TradeRecord(ts=2, price=102.0, qty=3.0, side="sell", venue="deribit:BTC-PERPETUAL"),
    TradeRecord(ts=9, price=101.0, qty=2.0, side="buy", venue="binance:BTCUSDT"),
]


def test_vwap_over_a_window():
    book = TinyBook([("100", "1")], [("101", "1")])
    assert get_metric("vwap")(window=10).compute(book, TRADES, now=10) == approx(608 / 6)
    assert get_metric("vwap")(window=8.5).compute(book, TRADES, now=10) == approx(508 / 5)
    assert get_metric("vwap")(window=0.5).compute(book, TRADES, now=10) is None


def test_traded_volume_over_a_window():
    book = TinyBook([("100", "1")], [("101", "1")])
    assert get_metric("volume")(window=10).compute(book, TRADES, now=10) == {
        "base": approx(6.0),
        "quote": approx(608.0),
        "buy": approx(3.0),
        "sell": approx(3.0),
        "trades": 3.0,
    }
