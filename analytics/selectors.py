"""Reads of the analytics app: stored metric bars and the metric configs."""

from __future__ import annotations

from datetime import datetime

from django.db import connections
from django.db.models import QuerySet

from analytics.models import BarInterval, MetricBar, MetricBarMinute, MetricConfig
from analytics.storage import table_kind
from books.storage.backend import TIMESCALE


def bars_in_range(
    *, pair: str, metric: str, interval: str, start: datetime, end: datetime, using: str = "default"
) -> QuerySet[MetricBar] | QuerySet[MetricBarMinute]:
    """The bars of one series ("mid", "spread.bps") of a pair, start <= time < end, oldest first:
    objects with time, open, high, low, close, mean, count. `interval` is "1s" or "1m" (anything
    else is a ValueError naming the choices); 1 min bars come from TimescaleDB's continuous
    aggregate where the table is a hypertable, from the rollup's rows elsewhere."""
    if interval not in BarInterval.values:
        raise ValueError(f"interval must be one of {', '.join(BarInterval.values)}, not {interval!r}")
    if interval == BarInterval.MINUTE and table_kind(connections[using]) == TIMESCALE:
        return (
            MetricBarMinute.objects.using(using)
            .filter(pair=pair, metric=metric, time__gte=start, time__lt=end)
            .order_by("time")
        )
    return (
        MetricBar.objects.using(using)
        .filter(pair=pair, metric=metric, interval=interval, time__gte=start, time__lt=end)
        .order_by("time", "id")
    )


def series_names(*, pair: str, start: datetime, end: datetime, using: str = "default") -> list[str]:
    """The series stored for a pair in a time range (what `bars_in_range` can be asked for, at
    either interval: 1 min bars are made from the 1 s ones)."""
    return sorted(
        MetricBar.objects.using(using)
        .filter(pair=pair, interval=BarInterval.SECOND, time__gte=start, time__lt=end)
        .values_list("metric", flat=True)
        .distinct()
    )


def enabled_configs(*, pair: str | None = None) -> QuerySet[MetricConfig]:
    rows = MetricConfig.objects.filter(enabled=True)
    return rows.filter(pair=pair) if pair else rows
