"""A trade stored after its minute was rolled up (a replay of old history, a late batch) is in the
bars at once, read raw, and in that minute's TradeMinute row after the next rollup."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from books.models import TradeMinute
from books.selectors import MINUTE, bars
from books.storage.rollup import trade_minutes_roll_up
from tests.books.conftest import random_trades, recompute_bars

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]


def test_late_trades_in_a_rolled_minute_are_counted(instrument, store_trades):
    rng = random.Random(5)
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=6)
    end = start + timedelta(hours=2)
    trades = store_trades(random_trades(rng, instrument.id, start=start, seconds=7200, n=800, tag="e"))
    trade_minutes_roll_up()
    minute = sorted(trades)[400][0].replace(second=0, microsecond=0)
    in_minute = sorted(r for r in trades if minute <= r[0] < minute + MINUTE)
    before = TradeMinute.objects.get(instrument=instrument, bucket=minute)
    assert before.count == len(in_minute)

    late = store_trades(
        [
            # Earlier than the minute's first trade: the new open.
            (minute + timedelta(microseconds=1), instrument.id, "late1", Decimal("1.5"), Decimal("2"), "buy"),
            # At the instant of the first trade, stored later: not the open (ties go by stored order).
            (in_minute[0][0], instrument.id, "late2", Decimal("99999"), Decimal("3"), "sell"),
            # At the instant of the last trade, stored later: the new close.
            (in_minute[-1][0], instrument.id, "late3", Decimal("7.25"), Decimal("4"), "buy"),
        ]
        + random_trades(rng, instrument.id, start=start + timedelta(minutes=30), seconds=600, n=30, tag="f")
    )
    everything = trades + late
    for interval in (MINUTE, timedelta(minutes=5), timedelta(hours=1)):
        want = recompute_bars(everything, interval=interval, start=start, end=end)
        assert bars(instrument=instrument, start=start, end=end, interval=interval) == want

    assert TradeMinute.objects.get(instrument=instrument, bucket=minute).count == len(in_minute)  # not yet
    assert trade_minutes_roll_up()["minutes"] >= 1
    row = TradeMinute.objects.filter(instrument=instrument, bucket=minute).values(
        "bucket", "open", "high", "low", "close", "volume", "count"
    )
    assert list(row) == recompute_bars(everything, interval=MINUTE, start=minute, end=minute + MINUTE)
    assert row[0]["open"] == Decimal("1.5") and row[0]["close"] == Decimal("7.25")
    rolled = list(
        TradeMinute.objects.filter(instrument=instrument)
        .order_by("bucket")
        .values("bucket", "open", "high", "low", "close", "volume", "count")
    )
    assert rolled == recompute_bars(everything, interval=MINUTE, start=start, end=end)
    assert bars(instrument=instrument, start=start, end=end, interval=MINUTE) == rolled
