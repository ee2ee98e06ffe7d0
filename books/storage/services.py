"""Retention and maintenance of the tick tables: what the periodic task runs.

- TimescaleDB: the extension's own jobs do the work; we keep their ages equal to the settings and,
  where no job scheduler runs (`run_jobs=True`, e.g. pglite), run them by hand.
- pg_partman: run_maintenance makes partitions ahead and drops whole partitions past retention.
- plain PostgreSQL and SQLite: delete rows older than RETENTION_DAYS, in bounded batches.
Everywhere the writer's batch ledger and the 1-minute trade rollup are pruned the same way.
Retention never runs on insert.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections
from django.utils import timezone

from books.storage import partman, rollup, timescale
from books.storage.backend import PARTMAN, SQLITE, TIMESCALE, storage_backend
from books.storage.pgddl import TICK_TABLES

log = logging.getLogger("books.storage")
DELETE_BATCH = 50_000


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=int(settings.MARKETAGG["RETENTION_DAYS"]))


def _delete_older(cursor, *, table: str, cutoff, vendor: str) -> int:
    """Delete in batches so a large backlog never holds one huge transaction or lock."""
    total = 0
    while True:
        if vendor == SQLITE:
            cursor.execute(
                f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE time < %s LIMIT {DELETE_BATCH})",
                [cutoff],
            )
        else:
            cursor.execute(
                f"DELETE FROM {table} WHERE ctid IN (SELECT ctid FROM {table} WHERE time < %s LIMIT {DELETE_BATCH})",
                [cutoff],
            )
        total += cursor.rowcount
        if cursor.rowcount < DELETE_BATCH:
            return total


def storage_maintain(*, using: str = "default", run_jobs: bool = False, now: datetime | None = None) -> dict:
    """Apply retention (and partition upkeep) now. Returns what was done, for logs and the task.

    `now` (default: the clock) is the reference of retention on pg_partman, plain PostgreSQL and
    SQLite, and of the rollup's pruning; TimescaleDB's own jobs always use the server's clock."""
    connection = connections[using]
    backend = storage_backend(connection)
    now = now or timezone.now()
    cutoff = retention_cutoff(now=now)
    adapted = connection.ops.adapt_datetimefield_value(cutoff)
    result: dict = {"backend": backend, "cutoff": cutoff.isoformat()}
    with connection.cursor() as cursor:
        if backend == TIMESCALE:
            timescale.apply_policies(cursor)
            if run_jobs:
                result["jobs_run"] = timescale.run_policies(cursor)
        elif backend == PARTMAN:
            result.update(partman.run_maintenance(cursor, now=now))
        else:
            result["deleted"] = {
                t: _delete_older(cursor, table=t, cutoff=adapted, vendor=backend) for t in TICK_TABLES
            }
        cursor.execute("DELETE FROM books_writtenbatch WHERE written_at < %s", [adapted])
        result["ledger_pruned"] = cursor.rowcount
    result["trade_minutes_pruned"] = rollup.trade_minutes_prune(cutoff=cutoff, using=using)
    log.info("tick storage maintained: %s", result)
    return result
