"""1 s bars: a pair's bar goes out when its next second starts, a quiet pair's once another pair
is two seconds on, a late result joins the open bar, and non-numbers are left out."""

from datetime import UTC, datetime

from analytics.bars import SecondBars


def test_bars_go_out_in_time():
    rows = []
    bars = SecondBars(rows.append)
    bars.add("BTC-USDT", {"mid": 10.0, "spread": {"abs": 1.0, "bps": None}, "arb": {"bid_venue": "x"}}, 100.2)
    bars.add("ETH-USDT", {"mid": 5.0}, 100.5)
    bars.add("BTC-USDT", {"mid": 12.0, "spread": {"abs": 3.0}}, 100.9)
    bars.add("BTC-USDT", {"mid": 11.0, "spread": {"abs": 2.0}}, 99.95)  # a venue clock behind: same bar
    assert rows == []
    bars.add("BTC-USDT", {"mid": 13.0}, 101.1)  # BTC's second 100 is over
    at = datetime.fromtimestamp(100, UTC)
    assert rows == [
        (at, "BTC-USDT", "mid", "1s", 10.0, 12.0, 10.0, 11.0, 11.0, 3),
        (at, "BTC-USDT", "spread.abs", "1s", 1.0, 3.0, 1.0, 2.0, 2.0, 3),
    ]
    rows.clear()
    bars.add("BTC-USDT", {"mid": 14.0}, 102.0)  # ETH quiet since 100: out now
    assert rows == [
        (at, "ETH-USDT", "mid", "1s", 5.0, 5.0, 5.0, 5.0, 5.0, 1),
        (datetime.fromtimestamp(101, UTC), "BTC-USDT", "mid", "1s", 13.0, 13.0, 13.0, 13.0, 13.0, 1),
    ]
    rows.clear()
    bars.flush()
    assert rows == [
        (datetime.fromtimestamp(102, UTC), "BTC-USDT", "mid", "1s", 14.0, 14.0, 14.0, 14.0, 14.0, 1)
    ]
