"""Writes of the analytics app: the 1 s -> 1 min rollup of metric bars, and their retention.

The rollup recomputes whole minutes from the 1 s bars (first open, max high, min low, last close,
count-weighted mean, summed count) and replaces the minute bars it had, so running it twice, or
over a minute whose late 1 s bars arrived since (spill catch-up), never counts twice. Each run
covers the minutes from LOOKBACK before where the last one stopped up to the last minute that
ended SETTLE seconds ago (the feed process emits a second's bar when the next second starts).
On TimescaleDB the 1 min bars are a continuous aggregate (analytics_metricbar_1m) instead: the
rollup refreshes that window of it, and `bars_in_range` reads it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import connections, transaction
from django.utils import timezone

from analytics import storage
from analytics.models import BarInterval, MetricBar, RollupMark
from books.storage.backend import PARTMAN, TIMESCALE

log = logging.getLogger("analytics.services")
MARK = "metric_bars_1m"
LOOKBACK = timedelta(minutes=10)
SETTLE = timedelta(seconds=10)
MINUTE = timedelta(minutes=1)


def floor_minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


def minute_bars(rows) -> list[MetricBar]:
    """1 min bars from 1 s rows (pair, metric, time, open, high, low, close, mean, count), ordered by
    pair, metric, time."""
    out: list[MetricBar] = []
    key = None
    for pair, metric, t, o, h, lo, c, mean, n in rows:
        minute = floor_minute(t)
        if (pair, metric, minute) != key:
            key = (pair, metric, minute)
            bar = MetricBar(
                pair=pair, metric=metric, interval=BarInterval.MINUTE, time=minute,
                open=o, high=h, low=lo, close=c, mean=0.0, count=0,
            )  # fmt: skip
            bar.total = 0.0
            out.append(bar)
        bar.high = max(bar.high, h)
        bar.low = min(bar.low, lo)
        bar.close = c
        bar.total += mean * n
        bar.count += n
    for bar in out:
        bar.mean = bar.total / bar.count if bar.count else bar.close
    return out


def metric_bars_roll_up(*, now: datetime | None = None, using: str = "default") -> dict:
    """Roll the 1 s metric bars up to 1 min bars; returns what it did."""
    now = now or timezone.now()
    end = floor_minute(now - SETTLE)
    bars = MetricBar.objects.using(using)
    mark, _ = RollupMark.objects.using(using).get_or_create(name=MARK)
    if mark.done_before is not None:
        start = mark.done_before - LOOKBACK
    else:
        first = (
            bars.filter(interval=BarInterval.SECOND).order_by("time").values_list("time", flat=True).first()
        )
        if first is None:
            return {"minutes": 0, "bars": 0}
        start = floor_minute(first)
    if start >= end:
        return {"minutes": 0, "bars": 0}
    if storage.table_kind(connections[using]) == TIMESCALE:
        # The continuous aggregate holds the 1 min bars; bring the window up to date now (its own
        # policy does too, where TimescaleDB's job scheduler runs). Not inside a transaction.
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"CALL refresh_continuous_aggregate('{storage.MINUTE_VIEW}', %s, %s)", [start, end]
            )
        mark.done_before, mark.rolled_at = end, now
        mark.save(using=using)
        return {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "continuous_aggregate": storage.MINUTE_VIEW,
        }
    rows = (
        bars.filter(interval=BarInterval.SECOND, time__gte=start, time__lt=end)
        .order_by("pair", "metric", "time")
        .values_list("pair", "metric", "time", "open", "high", "low", "close", "mean", "count")
    )
    made = minute_bars(rows.iterator(chunk_size=5000))
    with transaction.atomic(using=using):
        bars.filter(interval=BarInterval.MINUTE, time__gte=start, time__lt=end).delete()
        bars.bulk_create(made, batch_size=2000)
        mark.done_before, mark.rolled_at = end, now
        mark.save(using=using)
    return {"start": start.isoformat(), "end": end.isoformat(), "bars": len(made)}


def metric_bars_prune(*, now: datetime | None = None, using: str = "default") -> dict:
    """Drop metric bars older than METRIC_BAR_RETENTION_DAYS: whole partitions or chunks where the
    table has them, bounded deletes otherwise."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=storage.retention_days())
    connection = connections[using]
    kind = storage.table_kind(connection)
    result: dict = {"backend": kind, "cutoff": cutoff.isoformat(), "deleted": 0}
    with connection.cursor() as cursor:
        if kind == TIMESCALE:
            dropped = 0
            for table in (storage.TABLE, storage.MINUTE_VIEW):
                cursor.execute(f"SELECT count(*) FROM drop_chunks('{table}', older_than => %s)", [cutoff])
                dropped += cursor.fetchone()[0]
            result["chunks_dropped"] = dropped
        elif kind == PARTMAN:
            result["partitions_dropped"] = storage.partman_maintain(cursor, now=now)
    # Partitions end on the hour: rows before the cutoff inside the partition holding it (and in
    # the default partition) go row by row, as on plain tables.
    deleted, _ = MetricBar.objects.using(using).filter(time__lt=cutoff).delete()
    result["deleted"] = deleted
    return result
