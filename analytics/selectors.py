"""Reads of the analytics app: stored metric bars and the metric configs."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from analytics.models import BarInterval, MetricBar, MetricConfig


def bars_in_range(
    *, pair: str, metric: str, interval: str, start: datetime, end: datetime
) -> QuerySet[MetricBar]:
    """The bars of one series ("mid", "spread.bps") of a pair, start <= time < end, oldest first.
    `interval` is "1s" or "1m"; anything else is a ValueError naming the choices."""
    if interval not in BarInterval.values:
        raise ValueError(f"interval must be one of {', '.join(BarInterval.values)}, not {interval!r}")
    return MetricBar.objects.filter(
        pair=pair, metric=metric, interval=interval, time__gte=start, time__lt=end
    ).order_by("time", "id")


def series_names(*, pair: str, interval: str, start: datetime, end: datetime) -> list[str]:
    """The series stored for a pair in a time range (what `bars_in_range` can be asked for)."""
    return sorted(
        MetricBar.objects.filter(pair=pair, interval=interval, time__gte=start, time__lt=end)
        .values_list("metric", flat=True)
        .distinct()
    )


def enabled_configs(*, pair: str | None = None) -> QuerySet[MetricConfig]:
    rows = MetricConfig.objects.filter(enabled=True)
    return rows.filter(pair=pair) if pair else rows
