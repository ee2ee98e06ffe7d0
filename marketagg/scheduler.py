"""The in-process scheduler of the embedded default: beat's schedule, run by the same task
functions, without a broker. Production runs `celery beat` + workers instead.

The schedule is beat's: the django-celery-beat rows (editable in the admin), with settings'
CELERY_BEAT_SCHEDULE added where missing (marketagg.beat.install_default_schedule). Rows are read
again every `reload_every` seconds, so an admin's edit (interval, enabled) applies without a
restart. Interval schedules run here; a crontab or one-off row is for beat and is logged and
skipped. A `schedule` dict given to the constructor is run as it is (no database).
"""

from __future__ import annotations

import asyncio
import json
import time

from celery import current_app
from channels.db import database_sync_to_async
from django.utils import timezone

from marketagg.logging import get_logger

log = get_logger("marketagg.scheduler")


def _seconds(schedule) -> float:
    if isinstance(schedule, int | float):
        return float(schedule)
    run_every = getattr(schedule, "run_every", None)  # celery.schedules.schedule
    if run_every is not None:
        return run_every.total_seconds()
    raise ValueError(f"the in-process scheduler runs interval schedules only, not {schedule!r}")


def database_schedule() -> dict[str, dict]:
    """The enabled interval rows of django-celery-beat, defaults installed first (database work)."""
    from django_celery_beat.models import PeriodicTask

    from marketagg.beat import install_default_schedule

    install_default_schedule()
    out: dict[str, dict] = {}
    for row in PeriodicTask.objects.filter(enabled=True).select_related("interval"):
        if row.interval is None:
            continue  # crontab, solar, clocked: beat's
        out[row.name] = {
            "task": row.task,
            "schedule": row.interval.schedule.run_every.total_seconds(),
            "args": json.loads(row.args or "[]"),
            "kwargs": json.loads(row.kwargs or "{}"),
        }
    return out


def _mark_run(name: str) -> None:
    """What beat records for a run, so the admin shows the embedded default's runs too."""
    from django.db.models import F
    from django_celery_beat.models import PeriodicTask

    # update(), not save(): a save would count as a schedule change for a running beat.
    PeriodicTask.objects.filter(name=name).update(
        last_run_at=timezone.now(), total_run_count=F("total_run_count") + 1
    )


class Scheduler:
    def __init__(self, schedule: dict | None = None, *, reload_every: float = 30.0) -> None:
        self.fixed = schedule
        self.schedule: dict[str, dict] = dict(schedule or {})
        self.reload_every = reload_every
        self._stop = asyncio.Event()
        self.runs: dict[str, int] = {}

    def stop(self) -> None:
        self._stop.set()

    async def _load(self) -> None:
        if self.fixed is not None:
            return
        try:
            self.schedule = await database_sync_to_async(database_schedule, thread_sensitive=False)()
        except Exception:  # the database away: keep the schedule we had
            log.exception("schedule could not be read; keeping the last one")

    async def run(self) -> None:
        # What a Celery worker does at start: import every app's tasks module, or none are found.
        current_app.loader.import_default_modules()
        await self._load()
        due: dict[str, tuple[float, float]] = {}  # name -> (interval, next run)
        reload_at = time.monotonic() + self.reload_every
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= reload_at:
                await self._load()
                reload_at = now + self.reload_every
            for name in list(due):
                if name not in self.schedule:
                    del due[name]  # disabled or deleted in the admin
            for name, entry in self.schedule.items():
                seconds = _seconds(entry["schedule"])
                known = due.get(name)
                if known is None or known[0] != seconds:
                    # New, or its interval changed in the admin: first run one interval from now.
                    due[name] = (seconds, now + seconds if known is None else min(known[1], now + seconds))
                if now >= due[name][1]:
                    due[name] = (seconds, now + seconds)
                    await self._run_one(name, entry)
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=1.0)
            except TimeoutError:
                pass

    async def _run_one(self, name: str, entry: dict) -> None:
        task = current_app.tasks.get(entry["task"])
        if task is None:
            log.warning("scheduled task not found", name=name, task=entry["task"])
            return
        started = time.monotonic()
        try:
            # The task body runs in a worker thread: database work never blocks the feeds. That
            # thread's database connection is closed after it (database_sync_to_async), never left open.
            run = database_sync_to_async(task.run, thread_sensitive=False)
            await run(*entry.get("args", ()), **entry.get("kwargs", {}))
            self.runs[name] = self.runs.get(name, 0) + 1
            log.info("scheduled task done", name=name, seconds=round(time.monotonic() - started, 3))
        except Exception:
            log.exception("scheduled task failed", name=name)
            return
        if self.fixed is None:
            try:
                await database_sync_to_async(_mark_run, thread_sensitive=False)(name)
            except Exception:  # e.g. SQLite busy: the run happened; only its record is missing
                log.warning("could not record a scheduled run", name=name, exc_info=True)
