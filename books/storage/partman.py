"""Plain PostgreSQL with pg_partman (4.x, native): hourly range partitions, retention in part_config.

`run_maintenance` (a periodic task) makes partitions ahead and drops those past retention. Rows
for hours no partition covers yet (replayed history, imports) get theirs from the writer first,
through `ensure_partitions`; anything that still lands in the default partition is moved out by
maintenance. Retention only ever acts in maintenance, never on insert.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction

from books.storage.backend import extension_schema
from books.storage.pgddl import TICK_TABLES, create_table_sql

INTERVAL = "1 hour"
PREMAKE = 12  # hours made ahead: a day of missed maintenance would still find partitions for half


def schema(cursor) -> str:
    found = extension_schema(cursor, "pg_partman")
    if found is None:
        raise RuntimeError("pg_partman is not installed in this database")
    return found


def setup(cursor) -> None:
    if extension_schema(cursor, "pg_partman") is None:
        # pg_partman is not relocatable: it gets a schema of its own once, by convention `partman`.
        cursor.execute("CREATE SCHEMA IF NOT EXISTS partman")
        cursor.execute("CREATE EXTENSION pg_partman SCHEMA partman")
    for table in TICK_TABLES:
        setup_table(cursor, table)
    apply_policies(cursor)


def setup_table(cursor, table: str, *, columns: list[str] | None = None) -> None:
    """One tick table as a partman parent of hourly partitions (`columns`: see create_table_sql).
    Its retention comes with the next apply_policies."""
    ext = schema(cursor)
    cursor.execute("SELECT current_schema()")
    here = cursor.fetchone()[0]
    for sql in create_table_sql(table, partitioned=True, columns=columns):
        cursor.execute(sql)
    cursor.execute(
        f"SELECT {ext}.create_parent(p_parent_table := %s, p_control := 'time', p_type := 'native', "
        f"p_interval := %s, p_premake := %s)",
        [f"{here}.{table}", INTERVAL, PREMAKE],
    )


def teardown(cursor) -> None:
    for table in TICK_TABLES:
        teardown_table(cursor, table)


def teardown_table(cursor, table: str) -> None:
    """Drop one tick table with its partitions, partman's config row and template table."""
    ext = extension_schema(cursor, "pg_partman")
    cursor.execute("SELECT current_schema()")
    here = cursor.fetchone()[0]
    if ext is not None:
        cursor.execute(f"DELETE FROM {ext}.part_config WHERE parent_table = %s", [f"{here}.{table}"])
        cursor.execute(f"DROP TABLE IF EXISTS {ext}.template_{here}_{table}")
    cursor.execute(f"DROP TABLE IF EXISTS {table} CASCADE")


def apply_policies(cursor) -> None:
    """Retention from settings: whole partitions older than RETENTION_DAYS are dropped by maintenance."""
    ext = schema(cursor)
    cursor.execute("SELECT current_schema()")
    here = cursor.fetchone()[0]
    days = int(settings.MARKETAGG["RETENTION_DAYS"])
    cursor.execute(
        f"UPDATE {ext}.part_config SET retention = %s, retention_keep_table = false, "
        f"retention_keep_index = false, infinite_time_partitions = true WHERE parent_table = ANY(%s)",
        [f"{days} days", [f"{here}.{t}" for t in TICK_TABLES]],
    )


def ensure_partitions(cursor, *, table: str, hours: list[datetime]) -> int:
    """Make the hourly partitions holding `hours` where missing (old or far-future rows). Returns
    how many were made. Cheap when they exist: partman skips them."""
    if not hours:
        return 0
    ext = schema(cursor)
    cursor.execute("SELECT current_schema()")
    here = cursor.fetchone()[0]
    cursor.execute(
        f"SELECT {ext}.create_partition_time(%s, %s::timestamptz[], false)", [f"{here}.{table}", hours]
    )
    return 1 if cursor.fetchone()[0] else 0


def run_maintenance(cursor, *, now: datetime) -> dict:
    """Premake, retention relative to `now`, and moving rows out of the default partitions.

    Retention runs here with `now` as its reference (drop_partition_time), not inside partman's
    own run_maintenance, which would read the server's clock: one clock for every backend, so the
    task and its tests agree on what is past retention. Returns counts."""
    ext = schema(cursor)
    cursor.execute("SELECT current_schema()")
    here = cursor.fetchone()[0]
    apply_policies(cursor)
    moved = 0
    for table in TICK_TABLES:
        cursor.execute(f"SELECT count(*) FROM ONLY {table}_default")
        if cursor.fetchone()[0]:
            cursor.execute(
                f"SELECT {ext}.partition_data_time(%s, p_batch_count := 1000000)", [f"{here}.{table}"]
            )
            moved += cursor.fetchone()[0] or 0
    before = partition_count(cursor)
    days = int(settings.MARKETAGG["RETENTION_DAYS"])
    dropped = 0
    with transaction.atomic(using=cursor.db.alias):
        # part_config keeps the retention (storage_info shows it); partman's maintenance runs
        # without it, inside this transaction only.
        cursor.execute(
            f"UPDATE {ext}.part_config SET retention = NULL WHERE parent_table = ANY(%s)",
            [[f"{here}.{t}" for t in TICK_TABLES]],
        )
        for table in TICK_TABLES:
            cursor.execute(f"SELECT {ext}.run_maintenance(%s, p_jobmon := false)", [f"{here}.{table}"])
            cursor.execute(
                f"SELECT {ext}.drop_partition_time(%s, %s::interval, false, false, NULL, %s)",
                [f"{here}.{table}", f"{days} days", now],
            )
            dropped += cursor.fetchone()[0] or 0
        apply_policies(cursor)
    return {
        "moved_from_default": moved,
        "partitions_before": before,
        "partitions_dropped": dropped,
        "partitions_after": partition_count(cursor),
    }


def partitions(cursor, table: str) -> list[tuple[str, str]]:
    """(name, bound) of each partition of `table`, oldest first, the default partition last."""
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
        "WHERE p.relname = %s ORDER BY c.relname",
        [table],
    )
    rows = [tuple(r) for r in cursor.fetchall()]
    return sorted(rows, key=lambda r: (r[1] == "DEFAULT", r[0]))


def partition_count(cursor) -> int:
    return sum(len(partitions(cursor, t)) for t in TICK_TABLES)


def describe(cursor) -> dict:
    ext = schema(cursor)
    cursor.execute("SELECT current_schema()")
    here = cursor.fetchone()[0]
    out: dict = {"partman_schema": ext, "tables": {}}
    for table in TICK_TABLES:
        parts = partitions(cursor, table)
        cursor.execute(
            f"SELECT partition_interval, premake, retention FROM {ext}.part_config WHERE parent_table = %s",
            [f"{here}.{table}"],
        )
        row = cursor.fetchone() or (None, None, None)
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) FROM pg_inherits i "
            "WHERE i.inhparent = %s::regclass",
            [table],
        )
        size = cursor.fetchone()[0]
        named = [p[0] for p in parts if p[1] != "DEFAULT"]
        out["tables"][table] = {
            "partition_interval": str(row[0]) if row[0] is not None else None,
            "premake": row[1],
            "retention": row[2],
            "partitions": len(named),
            "first_partition": named[0] if named else None,
            "last_partition": named[-1] if named else None,
            "bytes": int(size),
        }
    return out
