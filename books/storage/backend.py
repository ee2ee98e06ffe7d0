"""Which storage a database has.

At migrate time `choose_backend` picks what the server supports (TimescaleDB, else pg_partman,
else plain PostgreSQL; SQLite as it is). Afterwards `storage_backend` reads what the tick tables
actually are from the catalog, so code never trusts a guess made elsewhere.
"""

from __future__ import annotations

from django.conf import settings

TIMESCALE = "timescale"
PARTMAN = "partman"
POSTGRES = "postgres"
SQLITE = "sqlite"
BACKENDS = (TIMESCALE, PARTMAN, POSTGRES, SQLITE)
PROBE_TABLE = "books_trade"


def forced_backend() -> str:
    """MARKETAGG['STORAGE_BACKEND'] ('auto' unless set): lets a deployment refuse an extension."""
    return str(getattr(settings, "MARKETAGG", {}).get("STORAGE_BACKEND", "auto"))


def _available(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", [name])
    return cursor.fetchone() is not None


def choose_backend(connection) -> str:
    """What to build at migrate time on this connection."""
    if connection.vendor == "sqlite":
        return SQLITE
    if connection.vendor != "postgresql":
        raise RuntimeError(f"tick storage supports PostgreSQL and SQLite, not {connection.vendor}")
    forced = forced_backend()
    if forced in (TIMESCALE, PARTMAN, POSTGRES):
        return forced
    with connection.cursor() as cursor:
        if _available(cursor, "timescaledb"):
            return TIMESCALE
        if _available(cursor, "pg_partman") and connection.pg_version >= 140000:
            return PARTMAN
    return POSTGRES


def extension_schema(cursor, name: str) -> str | None:
    cursor.execute(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = %s",
        [name],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def detect_backend(connection) -> str:
    """What the tick tables are now, from the catalog (uncached)."""
    if connection.vendor == "sqlite":
        return SQLITE
    with connection.cursor() as cursor:
        if extension_schema(cursor, "timescaledb") is not None:
            cursor.execute(
                "SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = %s", [PROBE_TABLE]
            )
            if cursor.fetchone():
                return TIMESCALE
        cursor.execute(
            "SELECT relkind FROM pg_class WHERE relname = %s AND relkind IN ('p', 'r')", [PROBE_TABLE]
        )
        row = cursor.fetchone()
        if row and row[0] == "p":
            return PARTMAN
    return POSTGRES


def storage_backend(connection) -> str:
    """detect_backend, cached on the connection wrapper (the tables only change in migrations)."""
    cached = getattr(connection, "_marketagg_storage_backend", None)
    if cached is None:
        cached = detect_backend(connection)
        connection._marketagg_storage_backend = cached
    return cached


def forget_backend(connection) -> None:
    connection.__dict__.pop("_marketagg_storage_backend", None)
