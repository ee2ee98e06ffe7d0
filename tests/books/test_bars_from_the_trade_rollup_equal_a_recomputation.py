"""Trade bars of whole-minute intervals come from the 1-minute rollup (plus raw trades for the
minutes it does not hold yet and the partial minutes at the edges) and equal a recomputation in
Python from the raw trades: ties at one instant, ranges not aligned to minutes, 1m/5m/1h."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from books.models import TradeMinute
from books.selectors import bars
from books.storage.rollup import trade_minutes_roll_up
from tests.books.conftest import random_trades, recompute_bars

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("interval", [timedelta(minutes=1), timedelta(minutes=5), timedelta(hours=1)])
def test_bars_from_the_rollup_equal_the_raw_trades(interval, instrument, store_trades):
    rng = random.Random(int(interval.total_seconds()))
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=5)
    rolled = store_trades(random_trades(rng, instrument.id, start=start, seconds=4 * 3600, n=2500, tag="a"))
    assert trade_minutes_roll_up()["minutes"] > 200
    # Stored after the rollup ran: new minutes at the end, and late ones inside rolled minutes.
    fresh = store_trades(
        random_trades(
            rng, instrument.id, start=start + timedelta(hours=3, minutes=50), seconds=900, n=150, tag="b"
        )
        + random_trades(rng, instrument.id, start=start + timedelta(hours=1), seconds=3600, n=20, tag="c")
    )
    trades = rolled + fresh

    ranges = [
        (start - timedelta(minutes=3), start + timedelta(hours=5)),
        (start + timedelta(seconds=17.25), start + timedelta(hours=4, seconds=-42.5)),
        (
            start + timedelta(hours=1, minutes=2, seconds=5),
            start + timedelta(hours=2, minutes=7, microseconds=1),
        ),
        (
            start + timedelta(hours=3, minutes=10, seconds=1),
            start + timedelta(hours=3, minutes=10, seconds=59),
        ),
    ]
    for lo, hi in ranges:
        with CaptureQueriesContext(connection) as queries:
            got = bars(instrument=instrument, start=lo, end=hi, interval=interval)
        assert got == recompute_bars(trades, interval=interval, start=lo, end=hi), (lo, hi)
    # The long ranges were read from the rollup, not only from the raw trades.
    whole = bars(instrument=instrument, start=ranges[0][0], end=ranges[0][1], interval=interval)
    assert sum(b["count"] for b in whole) == len(trades)
    with CaptureQueriesContext(connection) as queries:
        bars(instrument=instrument, start=ranges[1][0], end=ranges[1][1], interval=interval)
    assert any(TradeMinute._meta.db_table in q["sql"] for q in queries.captured_queries)
