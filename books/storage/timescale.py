"""TimescaleDB: hypertables, compression, retention and a continuous aggregate of 1-minute bars.

Policies are background jobs of the extension; where no scheduler runs (pglite in the tests),
`run_policies` runs them by hand with CALL run_job.
"""

from __future__ import annotations

import json

from django.conf import settings

from books.storage.pgddl import TICK_TABLES, create_table_sql

# Deltas are the bulk (one row per book change, many a second per instrument): small chunks keep
# recent ones in memory and let retention drop whole chunks; snapshots and trades are thinner.
CHUNK_INTERVAL = {
    "books_bookdelta": "1 hour",
    "books_booksnapshot": "6 hours",
    "books_trade": "1 day",
}
ORDER_BY = {
    "books_bookdelta": "time, event, id",
    "books_booksnapshot": "time, event, id",
    "books_trade": "time, id",
}
BARS_VIEW = "books_tradebar_1m"


def _json(value) -> dict:
    # Django's PostgreSQL connection hands jsonb back as text (JSONField decodes it itself).
    return json.loads(value) if isinstance(value, str) else (value or {})


def _policy_settings() -> tuple[int, int]:
    conf = settings.MARKETAGG
    return int(conf["RETENTION_DAYS"]), int(conf["COMPRESS_AFTER_HOURS"])


def setup_sql() -> list[str]:
    out = ["CREATE EXTENSION IF NOT EXISTS timescaledb"]
    for table in TICK_TABLES:
        out += hypertable_sql(table)
    # first()/last() by (time) pick the opening and closing trade; volume is base quantity.
    out += [
        f"""CREATE MATERIALIZED VIEW {BARS_VIEW} WITH (timescaledb.continuous) AS
            SELECT time_bucket(INTERVAL '1 minute', time) AS bucket, instrument_id,
                   first(price, time) AS open, max(price) AS high, min(price) AS low,
                   last(price, time) AS close, sum(quantity) AS volume, count(*) AS trades
            FROM books_trade GROUP BY bucket, instrument_id WITH NO DATA""",
        f"SELECT add_continuous_aggregate_policy('{BARS_VIEW}', start_offset => INTERVAL '3 hours', "
        f"end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute')",
    ]
    return out


def hypertable_sql(table: str, *, columns: list[str] | None = None) -> list[str]:
    """One tick table as a hypertable with its compression and retention policies (`columns`: see
    pgddl.create_table_sql). Compressed segments are one instrument's rows in (time, event) order:
    the order book_at reads them in, and the same for per-level and per-change delta rows."""
    retention_days, compress_hours = _policy_settings()
    return [
        *create_table_sql(table, partitioned=False, columns=columns),
        f"SELECT create_hypertable('{table}', 'time', chunk_time_interval => INTERVAL '{CHUNK_INTERVAL[table]}')",
        f"ALTER TABLE {table} SET (timescaledb.compress, timescaledb.compress_segmentby = 'instrument_id', "
        f"timescaledb.compress_orderby = '{ORDER_BY[table]}')",
        f"SELECT add_compression_policy('{table}', INTERVAL '{compress_hours} hours')",
        f"SELECT add_retention_policy('{table}', INTERVAL '{retention_days} days')",
    ]


def teardown_sql() -> list[str]:
    return [
        f"DROP MATERIALIZED VIEW IF EXISTS {BARS_VIEW}",
        *[f"DROP TABLE IF EXISTS {t}" for t in TICK_TABLES],
    ]


def apply_policies(cursor) -> None:
    """Bring retention and compression ages in line with the current settings (re-added if changed)."""
    retention_days, compress_hours = _policy_settings()
    wanted = {
        "policy_retention": ("drop_after", f"{retention_days} days", "retention"),
        "policy_compression": ("compress_after", f"{compress_hours} hours", "compression"),
    }
    for table in TICK_TABLES:
        cursor.execute(
            "SELECT proc_name, config FROM timescaledb_information.jobs WHERE hypertable_name = %s", [table]
        )
        current = {proc: _json(config) for proc, config in cursor.fetchall()}
        for proc, (key, age, noun) in wanted.items():
            config = current.get(proc) or {}
            cursor.execute("SELECT %s::interval = %s::interval", [config.get(key) or "0", age])
            if proc in current and cursor.fetchone()[0]:
                continue
            cursor.execute(f"SELECT remove_{noun}_policy(%s, if_exists => true)", [table])
            cursor.execute(f"SELECT add_{noun}_policy(%s, %s::interval)", [table, age])


def policy_jobs(cursor) -> list[tuple[int, str, str]]:
    cursor.execute(
        "SELECT job_id, proc_name, hypertable_name FROM timescaledb_information.jobs "
        "WHERE proc_name IN ('policy_retention', 'policy_compression', 'policy_refresh_continuous_aggregate') "
        "ORDER BY job_id"
    )
    return [tuple(r) for r in cursor.fetchall()]


def run_policies(cursor, *, kinds: tuple[str, ...] = ("policy_retention", "policy_compression")) -> list[int]:
    """Run the named policies now (CALL run_job); needs autocommit. Returns the job ids run."""
    ran = []
    for job_id, proc, _table in policy_jobs(cursor):
        if proc in kinds:
            cursor.execute("CALL run_job(%s)", [job_id])
            ran.append(job_id)
    return ran


def describe(cursor) -> dict:
    out: dict = {"tables": {}}
    for table in TICK_TABLES:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE is_compressed), min(range_start), max(range_end) "
            "FROM timescaledb_information.chunks WHERE hypertable_name = %s",
            [table],
        )
        chunks, compressed, first, last = cursor.fetchone()
        cursor.execute("SELECT hypertable_size(%s::regclass)", [table])
        size = cursor.fetchone()[0]
        cursor.execute(
            "SELECT proc_name, config FROM timescaledb_information.jobs WHERE hypertable_name = %s", [table]
        )
        policies = {proc: _json(config) for proc, config in cursor.fetchall()}
        out["tables"][table] = {
            "chunk_interval": CHUNK_INTERVAL[table],
            "chunks": chunks,
            "compressed_chunks": compressed,
            "first": first.isoformat() if first else None,
            "last": last.isoformat() if last else None,
            "bytes": size,
            "retention": (policies.get("policy_retention") or {}).get("drop_after"),
            "compress_after": (policies.get("policy_compression") or {}).get("compress_after"),
        }
    return out
