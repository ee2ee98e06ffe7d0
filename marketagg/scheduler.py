"""The in-process scheduler of the embedded default: Celery beat's schedule, run by the same
task functions, without a broker. Production runs `celery beat` + workers instead."""

from __future__ import annotations

import asyncio
import time

from celery import current_app
from channels.db import database_sync_to_async
from django.conf import settings

from marketagg.logging import get_logger

log = get_logger("marketagg.scheduler")


def _seconds(schedule) -> float:
    if isinstance(schedule, int | float):
        return float(schedule)
    run_every = getattr(schedule, "run_every", None)  # celery.schedules.schedule
    if run_every is not None:
        return run_every.total_seconds()
    raise ValueError(f"the in-process scheduler runs interval schedules only, not {schedule!r}")


class Scheduler:
    def __init__(self, schedule: dict | None = None) -> None:
        self.schedule = schedule if schedule is not None else getattr(settings, "CELERY_BEAT_SCHEDULE", {})
        self._stop = asyncio.Event()
        self.runs: dict[str, int] = {}

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        # What a Celery worker does at start: import every app's tasks module, or none are found.
        current_app.loader.import_default_modules()
        due = {name: time.monotonic() + _seconds(entry["schedule"]) for name, entry in self.schedule.items()}
        while not self._stop.is_set():
            now = time.monotonic()
            for name, entry in self.schedule.items():
                if now >= due[name]:
                    due[name] = now + _seconds(entry["schedule"])
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
