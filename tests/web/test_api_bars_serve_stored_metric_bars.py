"""/api/bars/<pair>: one stored metric series of a pair over a range, oldest first, start inclusive."""

from datetime import UTC, datetime, timedelta

from analytics.models import MetricBar

T0 = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)


def _bar(minute: int, close: float, *, pair="BTC-USDT", metric="spread.bps", interval="1m") -> MetricBar:
    return MetricBar(
        time=T0 + timedelta(minutes=minute),
        pair=pair,
        metric=metric,
        interval=interval,
        open=close - 1,
        high=close + 1,
        low=close - 2,
        close=close,
        mean=close - 0.5,
        count=600,
    )


def test_bars_of_one_series_in_the_range(client, seeded):
    MetricBar.objects.bulk_create(
        [
            _bar(0, 1.5),
            _bar(1, 2.5),
            _bar(2, 3.5),  # at `end`: excluded
            _bar(1, 9.0, metric="mid"),  # another series
            _bar(1, 9.0, pair="ETH-USDT"),  # another pair
            _bar(1, 9.0, interval="1s"),  # another interval
        ]
    )
    body = client.get(
        "/api/bars/BTC-USDT?metric=spread.bps&interval=1m&start=2026-11-29T04:00:00Z&end=2026-11-29T04:02:00Z"
    ).json()
    assert (body["pair"], body["metric"], body["interval"]) == ("BTC-USDT", "spread.bps", "1m")
    assert body["bars"] == [
        {
            "time": "2026-11-29T04:00:00+00:00",
            "open": 0.5,
            "high": 2.5,
            "low": -0.5,
            "close": 1.5,
            "mean": 1.0,
            "count": 600,
        },
        {
            "time": "2026-11-29T04:01:00+00:00",
            "open": 1.5,
            "high": 3.5,
            "low": 0.5,
            "close": 2.5,
            "mean": 2.0,
            "count": 600,
        },
    ]


def test_a_series_never_stored_is_an_empty_list(client, seeded):
    body = client.get("/api/bars/BTC-USDT?metric=vwap.price&start=1795000000&end=1795000600").json()
    assert body["bars"] == []
