"""Bars from TimeBucket (date_bin on PostgreSQL, epoch arithmetic on SQLite; time_bucket is proven
on TimescaleDB in test_timescale_storage_on_pglite) equal bars recomputed in Python."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from books.selectors import bars, snapshots_at_interval
from books.storage.tables import SNAPSHOT

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]
D = Decimal


def _recompute(rows, interval: timedelta, origin=datetime(2000, 1, 3, tzinfo=UTC)):
    groups = defaultdict(list)
    for at, price, qty in rows:
        groups[origin + ((at - origin) // interval) * interval].append((price, qty))
    return [
        {
            "bucket": k,
            "open": v[0][0],
            "high": max(p for p, _ in v),
            "low": min(p for p, _ in v),
            "close": v[-1][0],
            "volume": sum(q for _, q in v) if v[0][1] is not None else None,
            "count": len(v),
        }
        for k, v in sorted(groups.items())
    ]


@pytest.mark.parametrize("interval", [timedelta(minutes=1), timedelta(minutes=5), timedelta(hours=1)])
def test_trade_and_mid_bars(interval, instrument, make_writer):
    rng = random.Random(interval.seconds)
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
    trades, snaps = [], []
    for i in range(1500):
        at = start + timedelta(milliseconds=i * 4000 + rng.randint(0, 3000))
        trades.append(
            (
                at,
                instrument.id,
                f"b{i}",
                D(rng.randint(6_400_000, 6_600_000)).scaleb(-2),
                D(rng.randint(1, 99_999)).scaleb(-5),
                "buy",
            )
        )
        if i % 3 == 0:
            bid = D(rng.randint(6_400_000, 6_500_000)).scaleb(-2)
            ask = bid + D(rng.randint(1, 500)).scaleb(-2)
            values = {
                "time": at,
                "instrument_id": instrument.id,
                "sequence": i,
                "event": i,
                "bids": [(bid, D(1))],
                "asks": [(ask, D(1))],
                "best_bid": bid,
                "best_ask": ask,
                "mid": (bid + ask) / 2,
                "spread": ask - bid,
            }
            # By column name: any other column (depth, boundaries) is left empty.
            snaps.append(tuple(values.get(column) for column in SNAPSHOT.columns))
    writer = make_writer().start()
    for t in trades:
        writer.submit("trade", t)
    for s in snaps:
        writer.submit("snapshot", s)
    assert writer.flush(timeout=20), writer.stats()

    end = start + timedelta(hours=3)
    with CaptureQueriesContext(connection) as queries:
        got = bars(instrument=instrument, start=start, end=end, interval=interval)
    if connection.vendor == "postgresql":
        assert any("date_bin(" in q["sql"] for q in queries.captured_queries)
    assert got == _recompute([(t[0], t[3], t[4]) for t in trades], interval)
    mid = bars(instrument=instrument, start=start, end=end, interval=interval, source="mid")
    assert mid == _recompute([(s[0], s[9], None) for s in snaps], interval)

    last_per_bucket = snapshots_at_interval(instrument=instrument, start=start, end=end, interval=interval)
    expected_last = {}
    for s in snaps:
        expected_last[_recompute([(s[0], s[9], None)], interval)[0]["bucket"]] = s[0]
    assert [s.time for s in last_per_bucket] == [expected_last[k] for k in sorted(expected_last)]
