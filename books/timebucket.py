"""TimeBucket: one ORM expression for "the start of the interval this time falls in".

Compiles to TimescaleDB's `time_bucket` where the tick tables are hypertables, to PostgreSQL's
`date_bin` elsewhere on PostgreSQL, and to epoch arithmetic on SQLite. All three bin from the same
origin (Monday 2000-01-03 UTC, time_bucket's own default), so the buckets agree across backends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import DateTimeField, Func

from books.storage.backend import TIMESCALE, storage_backend

ORIGIN = datetime(2000, 1, 3, tzinfo=UTC)
_ORIGIN_EPOCH = int(ORIGIN.timestamp())


class TimeBucket(Func):
    output_field = DateTimeField()
    arity = 1

    def __init__(self, expression, interval: timedelta, **extra) -> None:
        if not isinstance(interval, timedelta) or interval <= timedelta(0):
            raise ValueError(f"TimeBucket needs a positive timedelta, got {interval!r}")
        self.interval = interval
        super().__init__(expression, **extra)

    def _interval_sql(self) -> str:
        # Built from a timedelta, never from user text: safe to inline, and it lets PostgreSQL
        # use the same expression in SELECT and GROUP BY.
        micros = self.interval // timedelta(microseconds=1)
        return f"INTERVAL '{micros} microseconds'"

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        if storage_backend(connection) == TIMESCALE:
            return f"time_bucket({self._interval_sql()}, {column})", params
        return f"date_bin({self._interval_sql()}, {column}, TIMESTAMPTZ '2000-01-03 00:00:00+00')", params

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        seconds = self.interval.total_seconds()
        if seconds != int(seconds):
            raise ValueError("TimeBucket on SQLite takes whole seconds")
        n = int(seconds)
        # Django keeps UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]'; strftime('%s') floors it to seconds.
        sql = (
            f"strftime('%%Y-%%m-%%d %%H:%%M:%%S', ((CAST(strftime('%%s', {column}) AS INTEGER) - {_ORIGIN_EPOCH}) "
            f"/ {n}) * {n} + {_ORIGIN_EPOCH}, 'unixepoch')"
        )
        return sql, params
