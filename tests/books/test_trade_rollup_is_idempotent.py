"""Rolling up again, in other step sizes, or from scratch never counts a trade twice: every
TradeMinute row equals the minute recomputed from the raw trades."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from books.models import RollupState, TradeMinute
from books.selectors import MINUTE, TRADE_MINUTES
from books.storage.rollup import trade_minutes_roll_up
from tests.books.conftest import random_trades, recompute_bars

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]


def _rollup_rows(instrument) -> list[dict]:
    return list(
        TradeMinute.objects.filter(instrument=instrument)
        .order_by("bucket")
        .values("bucket", "open", "high", "low", "close", "volume", "count")
    )


def test_running_the_rollup_again_never_counts_twice(instrument, store_trades):
    rng = random.Random(11)
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=3)
    trades = store_trades(random_trades(rng, instrument.id, start=start, seconds=7200, n=1200, tag="i"))
    expected = recompute_bars(trades, interval=MINUTE, start=start, end=start + timedelta(hours=2))

    # Small steps: most step boundaries cut a minute, which is then rolled up by two steps.
    first = trade_minutes_roll_up(batch=97)
    assert first["units"] >= 12 and not first["skipped"]
    assert _rollup_rows(instrument) == expected

    again = trade_minutes_roll_up()
    assert again["units"] == 0
    assert _rollup_rows(instrument) == expected

    RollupState.objects.filter(name=TRADE_MINUTES).update(last_trade_id=0)  # as if never rolled
    assert trade_minutes_roll_up()["units"] == 1
    assert _rollup_rows(instrument) == expected
    assert sum(r["count"] for r in _rollup_rows(instrument)) == len(trades)
