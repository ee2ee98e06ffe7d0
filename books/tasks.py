"""Celery tasks of the books app: thin, they call services."""

from __future__ import annotations

from celery import shared_task

from books.storage.rollup import trade_minutes_roll_up
from books.storage.services import storage_maintain


@shared_task(name="books.storage_maintenance", ignore_result=True)
def storage_maintenance() -> dict:
    """Retention and partition upkeep of the tick tables (beat: every 10 minutes)."""
    return storage_maintain()


@shared_task(name="books.trade_minutes_roll_up", ignore_result=True)
def trade_minutes_rollup() -> dict:
    """The 1-minute trade rollup that bars() reads (beat: every 30 seconds)."""
    return trade_minutes_roll_up()
