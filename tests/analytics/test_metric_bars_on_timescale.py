"""Metric bars on TimescaleDB (pglite): the migration makes their table a hypertable with a
retention policy and a continuous aggregate of 1 min bars, the tick writer stores 1 s bars, the
rollup task refreshes the aggregate (pglite has no job scheduler), the selector reads 1 min bars
from it equal to a recomputation, and pruning drops the chunks past METRIC_BAR_RETENTION_DAYS
while keeping recent bars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from analytics.models import MetricBar
from analytics.selectors import bars_in_range, series_names
from analytics.services import metric_bars_prune, metric_bars_roll_up
from analytics.storage import TABLE, table_kind
from books.writer import TickWriter
from tests.books.conftest import pglite  # noqa: F401  (the TimescaleDB server fixture)

pytestmark = pytest.mark.timescale
NOW = datetime(2026, 11, 20, 12, 0, 30, tzinfo=UTC)  # pinned: the tests pass "now" to the services


@pytest.fixture(scope="module")
def tsdb(pglite):  # noqa: F811
    call_command("migrate", database=pglite, verbosity=0)
    yield pglite


def rows(start: datetime, n: int):
    return [(start + timedelta(seconds=i), "BTC-USDT", "mid", "1s", 100.0 + i, 101.0 + i, 99.0 + i, 100.5 + i, 100.2 + i, 2) for i in range(n)]  # fmt: skip


def test_bars_are_written_rolled_up_and_pruned_on_a_hypertable(tsdb):
    with connections[tsdb].cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = %s", [TABLE]
        )
        assert cursor.fetchone() == (1,)
        cursor.execute(
            "SELECT config->>'drop_after' FROM timescaledb_information.jobs "
            "WHERE hypertable_name = %s AND proc_name = 'policy_retention'",
            [TABLE],
        )
        assert cursor.fetchone() == (f"{settings.MARKETAGG['METRIC_BAR_RETENTION_DAYS']} days",)
    assert table_kind(connections[tsdb]) == "timescale"

    recent = NOW.replace(second=0) - timedelta(minutes=3)
    old = NOW - timedelta(days=60)
    connections[tsdb].close()  # pglite serves one client at a time
    spill = Path(settings.MARKETAGG["WRITER_SPILL_DIR"]) / "test-metricbars-timescale"
    writer = TickWriter(using=tsdb, use_copy=False, insert_batch=100, spill_dir=spill, flush_interval=0.05)
    writer.start()
    try:
        for row in rows(old, 5) + rows(recent, 60):
            writer.submit("metricbar", row)
        assert writer.flush(timeout=60), writer.stats()
    finally:
        writer.stop(timeout=5)
    assert writer.stats()["written"] == 65

    # The 1 min bars are TimescaleDB's continuous aggregate: the rollup refreshes its window.
    done = metric_bars_roll_up(now=NOW, using=tsdb)
    assert done["continuous_aggregate"] == "analytics_metricbar_1m"
    window = dict(start=recent - timedelta(hours=1), end=NOW)
    (minute,) = bars_in_range(pair="BTC-USDT", metric="mid", interval="1m", using=tsdb, **window)
    assert (minute.time, minute.open, minute.high, minute.low, minute.close, minute.count) == (
        recent, 100.0, 160.0, 99.0, 159.5, 120,
    )  # fmt: skip
    assert minute.mean == pytest.approx(sum(100.2 + i for i in range(60)) / 60)
    seconds = bars_in_range(pair="BTC-USDT", metric="mid", interval="1s", using=tsdb, **window)
    assert [b.close for b in seconds] == [100.5 + i for i in range(60)]
    assert series_names(pair="BTC-USDT", using=tsdb, **window) == ["mid"]

    pruned = metric_bars_prune(now=NOW, using=tsdb)
    assert pruned["backend"] == "timescale" and pruned["chunks_dropped"] >= 1
    left = MetricBar.objects.using(tsdb)
    assert not left.filter(time__lt=NOW - timedelta(days=30)).exists()
    assert left.filter(interval="1s").count() == 60 and not left.filter(interval="1m").exists()
    assert len(bars_in_range(pair="BTC-USDT", metric="mid", interval="1m", using=tsdb, **window)) == 1
