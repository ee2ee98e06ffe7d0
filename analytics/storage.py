"""The metric-bar table per backend, and its row layout for the tick writer.

Built at migrate time with the tick tables' own choice of backend (books.storage.backend):
a TimescaleDB hypertable with a retention policy, pg_partman hourly partitions (retention applied
by `metric_bars_maintain`), or Django's plain indexed table (SQLite, plain PostgreSQL). Rows are
written by the tick writer (books.writer.TickWriter: batches, COPY, spill file, ledger) under the
table key "metricbar", registered here.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction

from books.storage import partman
from books.storage.backend import PARTMAN, POSTGRES, SQLITE, TIMESCALE, choose_backend, extension_schema
from books.storage.tables import Table, register_table

log = logging.getLogger("analytics.storage")

TABLE = "analytics_metricbar"
MINUTE_VIEW = "analytics_metricbar_1m"  # TimescaleDB only: the continuous aggregate of 1 min bars
METRIC_BAR = register_table(
    Table(
        "metricbar",
        TABLE,
        ("time", "pair", "metric", "interval", "open", "high", "low", "close", "mean", "count"),
        ("time", "str", "str", "str", "float", "float", "float", "float", "float", "int"),
    )
)
COLUMNS = [
    "id bigserial NOT NULL",
    "time timestamptz NOT NULL",
    "pair varchar(32) NOT NULL",
    "metric varchar(120) NOT NULL",
    "interval varchar(4) NOT NULL",
    "open double precision NOT NULL",
    "high double precision NOT NULL",
    "low double precision NOT NULL",
    "close double precision NOT NULL",
    "mean double precision NOT NULL",
    "count integer NOT NULL",
    "PRIMARY KEY (id, time)",
]


def retention_days() -> int:
    return int(settings.MARKETAGG["METRIC_BAR_RETENTION_DAYS"])


def _table_sql(*, partitioned: bool) -> list[str]:
    tail = " PARTITION BY RANGE (time)" if partitioned else ""
    return [
        f"CREATE TABLE {TABLE} (\n    " + ",\n    ".join(COLUMNS) + f"\n){tail}",
        f"CREATE INDEX analytics_bar_series_time ON {TABLE} (pair, metric, interval, time)",
    ]


def _partman_setup(cursor) -> None:
    if extension_schema(cursor, "pg_partman") is None:
        cursor.execute("CREATE SCHEMA IF NOT EXISTS partman")
        cursor.execute("CREATE EXTENSION pg_partman SCHEMA partman")
    ext = partman.schema(cursor)
    cursor.execute("SELECT current_schema()")
    here = cursor.fetchone()[0]
    for sql in _table_sql(partitioned=True):
        cursor.execute(sql)
    cursor.execute(
        f"SELECT {ext}.create_parent(p_parent_table := %s, p_control := 'time', p_type := 'native', "
        f"p_interval := %s, p_premake := %s)",
        [f"{here}.{TABLE}", partman.INTERVAL, partman.PREMAKE],
    )
    cursor.execute(
        f"UPDATE {ext}.part_config SET infinite_time_partitions = true WHERE parent_table = %s",
        [f"{here}.{TABLE}"],
    )


def _timescale_setup(cursor) -> None:
    cursor.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
    for sql in _table_sql(partitioned=False):
        cursor.execute(sql)
    cursor.execute(f"SELECT create_hypertable('{TABLE}', 'time', chunk_time_interval => INTERVAL '1 day')")
    cursor.execute(f"SELECT add_retention_policy('{TABLE}', INTERVAL '{retention_days()} days')")


def minute_view_sql() -> list[str]:
    """1 min bars from the 1 s bars, kept by TimescaleDB itself: first open, max high, min low, last
    close, count-weighted mean, summed count (the same as services.minute_bars elsewhere)."""
    return [
        f"""CREATE MATERIALIZED VIEW {MINUTE_VIEW} WITH (timescaledb.continuous) AS
            SELECT time_bucket(INTERVAL '1 minute', time) AS bucket, pair, metric,
                   first(open, time) AS open, max(high) AS high, min(low) AS low,
                   last(close, time) AS close, sum(mean * count) / sum(count) AS mean,
                   sum(count)::integer AS count
            FROM {TABLE} WHERE "interval" = '1s'
            GROUP BY time_bucket(INTERVAL '1 minute', time), pair, metric WITH NO DATA""",
        f"SELECT add_continuous_aggregate_policy('{MINUTE_VIEW}', start_offset => INTERVAL '3 hours', "
        f"end_offset => INTERVAL '10 seconds', schedule_interval => INTERVAL '30 seconds')",
        f"SELECT add_retention_policy('{MINUTE_VIEW}', INTERVAL '{retention_days()} days')",
    ]


def create_minute_view(apps, schema_editor) -> None:
    """Migration step: the continuous aggregate, where the metric-bar table is a hypertable."""
    connection = schema_editor.connection
    if table_kind(connection) != TIMESCALE:
        return
    with connection.cursor() as cursor:
        for sql in minute_view_sql():
            cursor.execute(sql)
    forget_kind(connection)


def drop_minute_view(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP MATERIALIZED VIEW IF EXISTS {MINUTE_VIEW}")


def create_metric_bar_table(apps, schema_editor) -> None:
    """Migration step: the table for the backend this database has (falls back to a plain table)."""
    connection = schema_editor.connection
    backend = choose_backend(connection)
    forget_kind(connection)
    model = apps.get_model("analytics", "MetricBar")
    if backend in (SQLITE, POSTGRES):
        schema_editor.create_model(model)
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            (_timescale_setup if backend == TIMESCALE else _partman_setup)(cursor)
        log.info("metric bar table created on %s", backend)
    except Exception as exc:  # an extension we may not use: keep the table, lose partitioning
        log.warning("cannot set up %s for metric bars (%s); plain indexed table", backend, exc)
        schema_editor.create_model(model)


def drop_metric_bar_table(apps, schema_editor) -> None:
    connection = schema_editor.connection
    forget_kind(connection)
    if connection.vendor == "sqlite":
        schema_editor.delete_model(apps.get_model("analytics", "MetricBar"))
        return
    with connection.cursor() as cursor:
        ext = extension_schema(cursor, "pg_partman")
        if ext is not None:
            cursor.execute("SELECT current_schema()")
            here = cursor.fetchone()[0]
            cursor.execute(f"DELETE FROM {ext}.part_config WHERE parent_table = %s", [f"{here}.{TABLE}"])
            cursor.execute(f"DROP TABLE IF EXISTS {ext}.template_{here}_{TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE} CASCADE")


def table_kind(connection) -> str:
    """What the metric-bar table is now: timescale, partman or plain (from the catalog), cached on
    the connection (the table only changes in migrations)."""
    cached = getattr(connection, "_marketagg_metricbar_kind", None)
    if cached is None:
        cached = connection._marketagg_metricbar_kind = _detect_kind(connection)
    return cached


def forget_kind(connection) -> None:
    connection.__dict__.pop("_marketagg_metricbar_kind", None)


def _detect_kind(connection) -> str:
    if connection.vendor == "sqlite":
        return SQLITE
    with connection.cursor() as cursor:
        if extension_schema(cursor, "timescaledb") is not None:
            cursor.execute(
                "SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = %s", [TABLE]
            )
            if cursor.fetchone():
                return TIMESCALE
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s AND relkind = 'p'", [TABLE])
        return PARTMAN if cursor.fetchone() else POSTGRES


def partman_maintain(cursor, *, now: datetime) -> int:
    """Premake partitions and drop those past retention (relative to `now`). Returns how many dropped."""
    ext = partman.schema(cursor)
    cursor.execute("SELECT current_schema()")
    parent = f"{cursor.fetchone()[0]}.{TABLE}"
    cursor.execute(f"SELECT {ext}.run_maintenance(%s, p_jobmon := false)", [parent])
    cursor.execute(
        f"SELECT {ext}.drop_partition_time(%s, %s::interval, false, false, NULL, %s)",
        [parent, f"{retention_days()} days", now],
    )
    return int(cursor.fetchone()[0] or 0)
