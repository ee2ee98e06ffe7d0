"""What `manage.py storage_info` shows: backend, partitions or chunks, policies, rows and sizes."""

from __future__ import annotations

from django.conf import settings
from django.db import connections

from books.storage import partman, timescale
from books.storage.backend import PARTMAN, SQLITE, TIMESCALE, storage_backend
from books.storage.pgddl import TICK_TABLES


def storage_info(*, using: str = "default") -> dict:
    connection = connections[using]
    backend = storage_backend(connection)
    conf = settings.MARKETAGG
    out: dict = {
        "backend": backend,
        "retention_days": int(conf["RETENTION_DAYS"]),
        "compress_after_hours": int(conf["COMPRESS_AFTER_HOURS"]) if backend == TIMESCALE else None,
        "tables": {},
    }
    with connection.cursor() as cursor:
        if backend == TIMESCALE:
            out.update({k: v for k, v in timescale.describe(cursor).items() if k != "tables"})
            detail = timescale.describe(cursor)["tables"]
        elif backend == PARTMAN:
            described = partman.describe(cursor)
            out["partman_schema"] = described["partman_schema"]
            detail = described["tables"]
        else:
            detail = {t: {} for t in TICK_TABLES}
        for table in TICK_TABLES:
            cursor.execute(f"SELECT count(*), min(time), max(time) FROM {table}")
            rows, first, last = cursor.fetchone()
            entry = {"rows": rows, "oldest": _iso(first), "newest": _iso(last), **detail.get(table, {})}
            if "bytes" not in entry:
                entry["bytes"] = _size(cursor, table, backend)
            out["tables"][table] = entry
    return out


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _size(cursor, table: str, backend: str) -> int | None:
    if backend == SQLITE:
        try:
            cursor.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name = %s OR name LIKE %s", [table, f"{table}_%"]
            )
            return int(cursor.fetchone()[0] or 0)
        except Exception:  # dbstat is a compile-time option of SQLite
            return None
    cursor.execute("SELECT pg_total_relation_size(%s::regclass)", [table])
    return int(cursor.fetchone()[0])
