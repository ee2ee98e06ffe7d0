"""The embedded default's in-process scheduler runs beat's schedule from the database, as the admin
leaves it: defaults installed where missing, an edited interval and a disabled row obeyed, runs
recorded on the row, no broker involved. The task it runs here rolls metric bars up."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from analytics.models import MetricBar
from marketagg.beat import install_default_schedule
from marketagg.scheduler import Scheduler

pytestmark = pytest.mark.django_db(transaction=True)
MINUTE = datetime(2026, 11, 17, 12, 0, tzinfo=UTC)  # long complete, whatever the time of day


def one_second_bars():
    for i, value in enumerate([3.0, 5.0, 4.0]):
        MetricBar.objects.create(
            pair="BTC-USDT", metric="mid", interval="1s", time=MINUTE + timedelta(seconds=10 * i),
            open=value, high=value, low=value, close=value, mean=value, count=1,
        )  # fmt: skip


def closing(predicate):
    """`predicate` in a worker thread, whose database connection is closed after it (or the test
    database could not be dropped at the end)."""

    def run():
        try:
            return predicate()
        finally:
            connection.close()

    return run


async def run_until(scheduler, predicate, *, timeout=20.0):
    task = asyncio.create_task(scheduler.run())
    deadline = asyncio.get_running_loop().time() + timeout
    try:
        while not await asyncio.to_thread(closing(predicate)):
            assert asyncio.get_running_loop().time() < deadline, "the scheduled task did not run in time"
            await asyncio.sleep(0.1)
    finally:
        scheduler.stop()
        await asyncio.wait_for(task, 10)


def test_defaults_are_installed_and_admin_edits_are_kept(admin_client):
    assert set(install_default_schedule()) == set(settings.CELERY_BEAT_SCHEDULE)
    row = PeriodicTask.objects.get(name="analytics-metric-bars-roll-up")
    row.interval, _ = IntervalSchedule.objects.get_or_create(every=7, period=IntervalSchedule.SECONDS)
    row.save()
    assert install_default_schedule() == []  # nothing created again, nothing overwritten
    assert PeriodicTask.objects.get(name="analytics-metric-bars-roll-up").interval.every == 7
    page = admin_client.get(f"/admin/django_celery_beat/periodictask/{row.pk}/change/")
    assert page.status_code == 200 and b"analytics.metric_bars_roll_up" in page.content


def test_the_scheduler_runs_the_edited_schedule_without_a_broker():
    install_default_schedule()
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(name="analytics-metric-bars-roll-up").update(interval=every_second)
    # Disabled in the admin: it must not run, however due.
    PeriodicTask.objects.filter(name="books-trade-minutes-roll-up").update(
        interval=every_second, enabled=False
    )
    one_second_bars()

    scheduler = Scheduler(reload_every=0.5)
    asyncio.run(run_until(scheduler, lambda: MetricBar.objects.filter(interval="1m").exists()))

    bar = MetricBar.objects.get(interval="1m")
    assert (bar.time, bar.open, bar.high, bar.low, bar.close, bar.mean, bar.count) == (
        MINUTE,
        3,
        5,
        3,
        4,
        4,
        3,
    )
    assert "books-trade-minutes-roll-up" not in scheduler.runs
    assert PeriodicTask.objects.get(name="analytics-metric-bars-roll-up").total_run_count >= 1
