"""Retention removes rolled-up minutes past the cutoff along with the trades, and bars around the
cutoff still equal the trades that are left (on pg_partman a partition is dropped only whole, so
trades older than the cutoff may stay a while: those minutes are read raw).

The clock is pinned: `now` is a fixed instant and maintenance takes it as the reference of
retention on every backend, so the outcome is the same at any minute of any day."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from books.models import Trade, TradeMinute
from books.selectors import MINUTE, bars, ceil_minute
from books.storage.rollup import trade_minutes_roll_up
from books.storage.services import retention_cutoff, storage_maintain
from tests.books.conftest import random_trades, recompute_bars, trade_row

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]


def test_rollup_minutes_past_retention_go_and_bars_match_what_is_left(instrument, store_trades, settings):
    settings.MARKETAGG = {**settings.MARKETAGG, "RETENTION_DAYS": 30}
    # Inside a minute, late in its hour: the case that failed on pg_partman when the old trades
    # all sat in the cutoff's own hour partition (which retention keeps).
    now = datetime(2026, 11, 20, 14, 52, 17, 500_000, tzinfo=UTC)
    cutoff = retention_cutoff(now=now)
    rng = random.Random(3)
    # Either side of the cutoff, in its minute: the first is past retention, the second is kept.
    store_trades(
        [trade_row(instrument.id, cutoff - timedelta(microseconds=1), 1), trade_row(instrument.id, cutoff, 2)]
    )
    store_trades(
        random_trades(rng, instrument.id, start=cutoff - timedelta(minutes=95), seconds=8100, n=600, tag="o")
    )
    trade_minutes_roll_up()
    assert TradeMinute.objects.filter(bucket__lt=cutoff).exists()

    result = storage_maintain(now=now)
    assert result["trade_minutes_pruned"] > 0
    assert not TradeMinute.objects.filter(bucket__lt=ceil_minute(cutoff)).exists()
    assert TradeMinute.objects.filter(bucket__gte=ceil_minute(cutoff)).exists()

    left = list(
        Trade.objects.filter(instrument=instrument)
        .order_by("id")
        .values_list("time", "instrument_id", "trade_id", "price", "quantity", "taker_side")
    )
    assert len(left) < 602 and cutoff in [t[0] for t in left]  # retention removed some, kept these
    start, end = cutoff - timedelta(hours=3, seconds=7), now
    for interval in (MINUTE, timedelta(minutes=5), timedelta(hours=1)):
        want = recompute_bars(left, interval=interval, start=start, end=end)
        assert bars(instrument=instrument, start=start, end=end, interval=interval) == want
