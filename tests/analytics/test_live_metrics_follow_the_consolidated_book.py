"""LiveMetrics on the real consolidated book: the pair's enabled metrics, held to METRICS_HZ per
pair, trade metrics fed in base units through the book's trade listener, and a config a metric
refuses left out with its reason."""

from decimal import Decimal

import pytest

from analytics.live import ConfigSpec, LiveMetrics
from books.consolidated import ConsolidatedBooks
from exchanges.types import StateEvent, TradeEvent
from tests.analytics.metric_books import BOOK_A, BOOK_C, COINM, DERIBIT, SPOT, USDM, venue_book

approx = pytest.approx
T = 1795000000.0


def configs(*specs):
    return [ConfigSpec("BTC-USDT", key, metric, params) for key, metric, params in specs]


def test_metrics_of_the_pair_are_computed_and_held_to_the_rate():
    books = ConsolidatedBooks([SPOT, USDM])
    clock = [100.0]  # pinned: the guard's clock moves only when the test says so
    live = LiveMetrics(
        configs(("mid", "mid", {}), ("spread", "spread", {}), ("top1", "imbalance", {"levels": 1})),
        hz=10,
        clock=lambda: clock[0],
    )
    for spec, levels in BOOK_A.items():
        books.book_changed(spec, venue_book(spec, levels), ts=T, bids=[], asks=[], snapshot=True)
    book = books.books["BTC-USDT"]

    first = live.compute("BTC-USDT", book, T)
    assert first == {
        "mid": approx(100.5),
        "spread": {"abs": approx(1.0), "bps": approx(1 / 100.5 * 10_000)},
        "top1": approx((1.5 - 2) / 3.5),
    }
    # The spot bid at 100 goes: best bid 100 x 0.5 (usdm), mid unchanged, imbalance (0.5 - 2) / 2.5.
    books.book_changed(
        SPOT, venue_book(SPOT, {"bids": [("99", "2")], "asks": BOOK_A[SPOT]["asks"]}),
        ts=T + 0.05, bids=[], asks=[], snapshot=True,
    )  # fmt: skip
    clock[0] += 0.05
    assert live.compute("BTC-USDT", book, T + 0.05) is first  # within 1/10 s of the last: held
    clock[0] += 0.1
    again = live.compute("BTC-USDT", book, T + 0.15)
    assert again["top1"] == approx((0.5 - 2) / 2.5)
    clock[0] += 5
    assert live.compute("BTC-USDT", book, T + 5) is again  # the same book version: nothing to do
    # usdm goes stale: it leaves at once, and so do its metrics, however soon after the last.
    books.state_changed(StateEvent(venue="binance-usdm", symbol="BTCUSDT", state="stale", ts=T + 5.01))
    clock[0] += 0.01
    alone = live.compute("BTC-USDT", book, T + 5.01)  # spot alone: bid 99 x 2, ask 101 x 1.5
    assert (alone["mid"], alone["top1"]) == (approx(100.0), approx((2 - 1.5) / 3.5))
    assert live.computed == 3
    assert live.compute("ETH-USDT", book, T) == {}  # no config for it


def test_trade_metrics_get_trades_in_base_units():
    books = ConsolidatedBooks([SPOT, COINM, DERIBIT])
    live = LiveMetrics(configs(("vwap", "vwap", {"window": 10}), ("volume", "volume", {"window": 10})), hz=10)
    books.add_trade_listener(live.trade)
    for spec, levels in BOOK_C.items():
        books.book_changed(spec, venue_book(spec, levels), ts=T, bids=[], asks=[], snapshot=True)

    def trade(spec, ts, price, qty, side):
        books.trade(
            spec, TradeEvent(spec.venue, spec.symbol, ts, f"{ts}", Decimal(price), Decimal(qty), side)
        )

    trade(SPOT, T - 20, "40000", "5", "buy")  # out of the 10 s window
    trade(SPOT, T - 5, "50000", "0.3", "buy")  # 0.3 BTC
    trade(COINM, T - 4, "50000", "10", "sell")  # 10 contracts x 100 USD / 50000 = 0.02 BTC
    trade(DERIBIT, T - 3, "40000", "4000", "sell")  # 4000 USD / 40000 = 0.1 BTC
    out = live.compute("BTC-USDT", books.books["BTC-USDT"], T)
    assert out["vwap"] == approx((50000 * 0.32 + 40000 * 0.1) / 0.42)
    assert out["volume"] == {
        "base": approx(0.42),
        "quote": approx(50000 * 0.32 + 40000 * 0.1),
        "buy": approx(0.3),
        "sell": approx(0.12),
        "trades": 3.0,
    }


def test_a_config_a_metric_refuses_is_left_out_with_its_reason():
    live = LiveMetrics(configs(("mid", "mid", {}), ("bad", "ofi", {"window": -5})), hz=10)
    assert live.refused == ["BTC-USDT bad: window must be greater than 0 seconds, got -5"]
    assert live.pairs() == ["BTC-USDT"]
