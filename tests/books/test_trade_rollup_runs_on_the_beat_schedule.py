"""The rollup is a periodic task: on Celery beat's schedule (which `serve` runs in-process too)
every 30 to 60 seconds, and the task rolls the stored trades up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from celery import current_app
from django.conf import settings

from books.models import TradeMinute
from marketagg.scheduler import _seconds
from tests.books.conftest import trade_row

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]


def test_the_rollup_task_is_scheduled_and_rolls_trades_up(instrument, store_trades):
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "books.trade_minutes_roll_up"
    ]
    assert len(entries) == 1 and 30 <= _seconds(entries[0]["schedule"]) <= 60

    at = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    store_trades([trade_row(instrument.id, at + timedelta(seconds=i), i) for i in range(3)])
    current_app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    current_app.tasks["books.trade_minutes_roll_up"].run()
    row = TradeMinute.objects.get(instrument=instrument)
    assert (row.bucket, row.count, row.volume) == (at, 3, 3 * trade_row(1, at, 0)[4])
