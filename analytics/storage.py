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


def create_metric_bar_table(apps, schema_editor) -> None:
    """Migration step: the table for the backend this database has (falls back to a plain table)."""
    connection = schema_editor.connection
    backend = choose_backend(connection)
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
    """What the metric-bar table is now: timescale, partman or plain (from the catalog)."""
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
