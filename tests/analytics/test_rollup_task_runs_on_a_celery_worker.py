"""The metric-bar rollup task sent through the machine's Redis broker runs on a real Celery worker
(a `celery -A marketagg worker` subprocess on the test database) and stores the 1 min bar that a
recomputation from the same 1 s bars gives."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from celery import current_app
from django.db import connection

from analytics.models import MetricBar

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
MINUTE = datetime(2026, 11, 17, 12, 0, tzinfo=UTC)
VALUES = [(0, 2.0, 2.5, 1.5, 2.25, 4.0, 2), (20, 2.25, 3.0, 2.0, 2.5, 2.5, 4)]  # s, o, h, l, c, mean, n


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(redis_url):
    """A Celery worker process on its own queue, stopped (by its pid) at the end."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs DATABASE_URL on PostgreSQL (the worker shares the test database)")
    queue = f"h-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": redis_url, "REDIS_URL": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "marketagg", "worker", "--pool", "solo", "-Q", queue,
         "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    yield queue, proc
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def test_rollup_runs_on_a_real_worker(worker, redis_url):
    queue, proc = worker
    for s, o, h, lo, c, mean, n in VALUES:
        MetricBar.objects.create(
            pair="ETH-USDT", metric="spread.bps", interval="1s", time=MINUTE + timedelta(seconds=s),
            open=o, high=h, low=lo, close=c, mean=mean, count=n,
        )  # fmt: skip
    current_app.loader.import_default_modules()
    task = current_app.tasks["analytics.metric_bars_roll_up"]
    with current_app.connection_for_write(redis_url) as conn:
        task.apply_async(queue=queue, connection=conn)

    deadline = time.monotonic() + 90
    while not MetricBar.objects.filter(interval="1m").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the worker did not run the task; its output:\n{proc.stdout.read()[-3000:]}")
        time.sleep(0.2)

    bar = MetricBar.objects.get(interval="1m")
    # Recomputed: first open, max high, min low, last close, count-weighted mean, summed count.
    assert (bar.pair, bar.metric, bar.time) == ("ETH-USDT", "spread.bps", MINUTE)
    assert (bar.open, bar.high, bar.low, bar.close, bar.count) == (2.0, 3.0, 1.5, 2.5, 6)
    assert bar.mean == pytest.approx((4.0 * 2 + 2.5 * 4) / 6)
