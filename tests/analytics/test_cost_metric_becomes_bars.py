"""A cost_to_trade configuration runs in the live metrics like any metric, and its average price,
slippage and saving become 1 s bars named after the configuration's label."""

from decimal import Decimal

from analytics.bars import SecondBars
from analytics.live import ConfigSpec, LiveMetrics
from tests.analytics.cost_books import SPOT, consolidated


def test_cost_configuration_gives_live_values_and_second_bars():
    rows = []
    live = LiveMetrics(
        [ConfigSpec("BTC-USDT", "cost_buy_half", "cost_to_trade", {"side": "buy", "size": "0.5"})],
        hz=10,
        bars=SecondBars(rows.append),
        clock=iter([0.0, 0.5, 0.5]).__next__,  # pinned: the second run is 0.5 s after the first
    )
    assert live.refused == []
    books, book = consolidated()
    out = live.compute("BTC-USDT", book, 1795000000.25)
    # The hand-worked sweep: 25216 for 0.5 BTC, spot alone 50480 (tests/analytics/test_cost_hand_worked_books.py).
    assert out["cost_buy_half"]["average_price"] == 50432.0
    assert out["cost_buy_half"]["best_venue"] == "binance:BTCUSDT"
    # A far ask on spot changes the book (not the answer): the metrics run again.
    spot = book.members[SPOT.key].book
    far = [(Decimal(99999), Decimal(1))]
    spot.apply(asks=far, sequence=2, at=1795000000.7)
    books.book_changed(SPOT, spot, ts=1795000000.7, bids=[], asks=far, snapshot=False)
    live.compute("BTC-USDT", book, 1795000000.75)
    live.bars.flush()
    bars = {row[2]: row for row in rows}
    assert {"cost_buy_half.average_price", "cost_buy_half.slippage_bps", "cost_buy_half.saving_bps"} <= set(
        bars
    )
    at, pair, name, interval, o, h, lo, c, mean, count = bars["cost_buy_half.average_price"]
    assert (pair, interval, o, c, mean, count) == ("BTC-USDT", "1s", 50432.0, 50432.0, 50432.0, 2)
    assert at.timestamp() == 1795000000


def test_a_refused_configuration_is_named_and_left_out():
    live = LiveMetrics([ConfigSpec("BTC-USDT", "cost_bad", "cost_to_trade", {"size": "0"})], hz=100)
    assert live.refused and "size" in live.refused[0]
