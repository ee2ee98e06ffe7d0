"""Which metrics run on which pair (`MetricConfig`, admin-managed), and the stored metric bars.

`MetricBar` is a time-partitioned table like the tick tables (analytics/storage.py builds it per
backend at migrate time): a TimescaleDB hypertable, pg_partman hourly partitions, or a plain
indexed table. On PostgreSQL its primary key is (id, time); Django sees `id`, unique by itself.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

PAIR_RE = re.compile(r"^[A-Z0-9]{2,15}-[A-Z0-9]{2,15}$")
LABEL_RE = re.compile(r"^[a-z0-9_]{1,40}$")


class MetricConfig(models.Model):
    """One metric turned on for one pair with its parameters (checked against the metric's limits)."""

    pair = models.CharField(max_length=32, help_text="Canonical pair, e.g. BTC-USDT.")
    metric = models.CharField(max_length=40, help_text="A metric of analytics/metrics/ (its `name`).")
    label = models.CharField(
        max_length=40,
        blank=True,
        help_text="Name of the result and its stored bars (default: the metric name). Give one to run "
        "the same metric twice on a pair, e.g. imbalance_top5.",
    )
    params = models.JSONField(
        default=dict,
        blank=True,
        help_text='Parameters as JSON, e.g. {"levels": 10}; omitted ones take defaults.',
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["pair", "label"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "label"], name="analytics_metricconfig_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pair} {self.key}"

    @property
    def key(self) -> str:
        return self.label or self.metric

    def clean(self) -> None:
        from analytics.metrics import ParamError, get_metric

        errors = {}
        self.pair = (self.pair or "").strip().upper()
        if not PAIR_RE.match(self.pair):
            errors["pair"] = f"{self.pair!r} is not a canonical pair like BTC-USDT (BASE-QUOTE, capitals)"
        self.label = (self.label or "").strip() or self.metric
        if not LABEL_RE.match(self.label):
            errors["label"] = "use lower-case letters, digits and underscores (at most 40)"
        try:
            cls = get_metric(self.metric)
        except ParamError as exc:
            errors["metric"] = str(exc)
        else:
            try:
                cls.validate(self.params)
            except ParamError as exc:
                errors["params"] = str(exc)
        if errors:
            raise ValidationError(errors)


class BarInterval(models.TextChoices):
    SECOND = "1s", "1 second"
    MINUTE = "1m", "1 minute"


class MetricBar(models.Model):
    """One metric series of one pair over one interval: open/high/low/close/mean of its values, and
    how many values there were. A metric with several numbers (spread: abs and bps) has one series
    each, named `<label>.<field>`."""

    id = models.BigAutoField(primary_key=True)
    time = models.DateTimeField(help_text="Start of the interval (UTC).")
    pair = models.CharField(max_length=32)
    metric = models.CharField(max_length=120)
    interval = models.CharField(max_length=4, choices=BarInterval.choices)
    open = models.FloatField()
    high = models.FloatField()
    low = models.FloatField()
    close = models.FloatField()
    mean = models.FloatField()
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["pair", "metric", "interval", "time"], name="analytics_bar_series_time")
        ]

    def __str__(self) -> str:
        return f"{self.pair} {self.metric} {self.interval} {self.time:%Y-%m-%d %H:%M:%S}"


class MetricBarMinute(models.Model):
    """TimescaleDB's continuous aggregate of 1 min bars (analytics_metricbar_1m), read-only; on the
    other backends the 1 min bars are MetricBar rows written by the rollup. `time` is not unique
    (one bar per series and minute): it stands as the key only because Django needs one."""

    time = models.DateTimeField(primary_key=True, db_column="bucket")
    pair = models.CharField(max_length=32)
    metric = models.CharField(max_length=120)
    open = models.FloatField()
    high = models.FloatField()
    low = models.FloatField()
    close = models.FloatField()
    mean = models.FloatField()
    count = models.IntegerField()
    interval = BarInterval.MINUTE.value

    class Meta:
        managed = False
        db_table = "analytics_metricbar_1m"


class RollupMark(models.Model):
    """How far the 1 s -> 1 min rollup of metric bars has gone (one row)."""

    name = models.CharField(max_length=40, primary_key=True)
    done_before = models.DateTimeField(null=True, blank=True)
    rolled_at = models.DateTimeField(null=True, blank=True)
