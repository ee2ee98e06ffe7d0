"""Production's periodic work for real: `celery beat` with the database scheduler and a `celery
worker`, both on the Redis broker of the production settings (REDIS_URL), roll the stored 1 s
metric bars up to 1 min bars on the schedule set in the database (the admin's rows), and a task
disabled there does not run."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from analytics.models import MetricBar, RollupMark
from marketagg.beat import install_default_schedule
from tests.analytics.test_rollup_task_runs_on_a_celery_worker import database_url

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
MINUTE = datetime(2026, 11, 17, 12, 0, tzinfo=UTC)


def start(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "marketagg", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate(timeout=5)
    return out or ""


def test_beat_sends_the_rollup_and_a_worker_runs_it(redis_url):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs DATABASE_URL on PostgreSQL (beat and worker share the test database)")
    import redis

    redis.Redis.from_url(redis_url).delete("celery")  # messages a killed earlier run may have left
    install_default_schedule()
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(name="analytics-metric-bars-roll-up").update(interval=every_second)
    PeriodicTask.objects.exclude(name="analytics-metric-bars-roll-up").update(enabled=False)
    for i in range(3):
        MetricBar.objects.create(
            pair="BTC-USDT", metric="mid", interval="1s", time=MINUTE + timedelta(seconds=i),
            open=i, high=i, low=i, close=i, mean=i, count=1,
        )  # fmt: skip
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "MARKETAGG_PROFILE": "production",
        "DJANGO_SECRET_KEY": "a-test-secret-that-is-long-enough-for-the-production-profile-0123456789",
        "DJANGO_ALLOWED_HOSTS": "localhost",
    }
    env.pop("CELERY_BROKER_URL", None)
    worker = start(["worker", "--pool", "solo", "-n", "h-beat-test@%h", "--without-gossip", "--without-mingle",
                    "--without-heartbeat", "--loglevel", "INFO"], env)  # fmt: skip
    beat = start(["beat", "--loglevel", "INFO", "--pidfile=", "--max-interval", "1"], env)
    try:
        deadline = time.monotonic() + 90
        while not MetricBar.objects.filter(interval="1m").exists():
            if worker.poll() is not None or beat.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no 1 min bar; beat:\n{stop(beat)[-3000:]}\nworker:\n{stop(worker)[-3000:]}")
            time.sleep(0.2)
        # Rolled on schedule, again and again: the rollup mark moves with each run.
        first = RollupMark.objects.get(name="metric_bars_1m").rolled_at
        while RollupMark.objects.get(name="metric_bars_1m").rolled_at == first:
            assert time.monotonic() < deadline, "the rollup ran once, not on its 1 s schedule"
            time.sleep(0.2)
    finally:
        beat_log, worker_log = stop(beat), stop(worker)
    bar = MetricBar.objects.get(interval="1m")
    assert (bar.time, bar.open, bar.high, bar.low, bar.close, bar.mean, bar.count) == (
        MINUTE,
        0,
        2,
        0,
        2,
        1,
        3,
    )
    assert "SeedingDatabaseScheduler" in beat_log
    assert "Task analytics.metric_bars_roll_up[" in worker_log
    assert "Task books.storage_maintenance[" not in worker_log  # disabled in the database
