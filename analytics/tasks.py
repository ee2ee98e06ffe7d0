"""Celery tasks of the analytics app: thin, they call services (beat, or `serve`'s in-process
scheduler, runs them on the schedule in the database; see marketagg/beat.py)."""

from __future__ import annotations

from celery import shared_task

from analytics.services import metric_bars_prune, metric_bars_roll_up


@shared_task(name="analytics.metric_bars_roll_up", ignore_result=True)
def metric_bars_rollup() -> dict:
    """1 s metric bars rolled up to 1 min (default schedule: every 30 seconds)."""
    return metric_bars_roll_up()


@shared_task(name="analytics.metric_bars_prune", ignore_result=True)
def metric_bars_retention() -> dict:
    """Metric bars past MARKETAGG_METRIC_BAR_RETENTION_DAYS dropped (default schedule: every 10 minutes)."""
    return metric_bars_prune()
