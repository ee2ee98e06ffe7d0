"""Celery tasks of the books app: thin, they call services."""

from __future__ import annotations

from celery import shared_task

from books.storage.services import storage_maintain


@shared_task(name="books.storage_maintenance", ignore_result=True)
def storage_maintenance() -> dict:
    """Retention and partition upkeep of the tick tables (beat: every 10 minutes)."""
    return storage_maintain()
