"""Pruning removes the metric bars older than METRIC_BAR_RETENTION_DAYS (whole hourly partitions
on pg_partman, rows elsewhere) and keeps the recent ones, relative to a pinned `now`."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from analytics.models import MetricBar
from analytics.services import metric_bars_prune
from analytics.storage import TABLE, table_kind
from books.storage import partman

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def bar(at: datetime) -> MetricBar:
    return MetricBar(pair="BTC-USDT", metric="mid", interval="1s", time=at, open=1, high=1, low=1, close=1, mean=1, count=1)  # fmt: skip


def test_old_bars_go_recent_ones_stay():
    old_hour = NOW - timedelta(days=45)
    kind = table_kind(connection)
    if kind == "partman":
        with connection.cursor() as cursor:  # old history gets its own hourly partition, as the writer does
            partman.ensure_partitions(cursor, table=TABLE, hours=[old_hour])
    MetricBar.objects.bulk_create(
        [bar(old_hour + timedelta(minutes=i)) for i in range(3)]
        + [bar(NOW - timedelta(days=31)), bar(NOW - timedelta(days=29)), bar(NOW - timedelta(seconds=5))]
    )

    done = metric_bars_prune(now=NOW)

    left = sorted(MetricBar.objects.values_list("time", flat=True))
    assert left == [NOW - timedelta(days=29), NOW - timedelta(seconds=5)]
    if kind == "partman":
        assert done["partitions_dropped"] >= 1  # the old hour went as a whole partition
