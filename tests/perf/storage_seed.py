"""The storage bench's query database: 10 million trades, their book changes and snapshots, made
with generate_series SQL in a database of its own (marketagg_storage_query_bench), vacuumed.

Seeding takes one to two minutes and times nothing, so `make bench` does it in a process of its own while
the memory section samples (tests/perf/prepare.py); the storage section then queries it. The
database carries the run it was seeded for (`MARKETAGG_BENCH_RUN`, set by tests/perf/run.py): a
storage section finding no database of its own run (run alone, or the preparation failed) seeds
one itself, never trusting a database left by another run at another commit.

    python -m tests.perf.storage_seed [ROWS]      (seed it now, as the preparation does)
"""

from __future__ import annotations

import contextlib
import os
import time
from datetime import UTC, datetime, timedelta

import psycopg
from django.db import connection, connections

QUERY_DB = "marketagg_storage_query_bench"
FULL_ROWS = 10_000_000
QUICK_ROWS = 200_000
RUN_VARIABLE = "MARKETAGG_BENCH_RUN"
CHANGE_LEVELS = 20  # levels of a stored book change here: the 20-level diffs of the feed benchmark
CHANGE_EVERY_MS = 200  # a change of 20 levels every 200 ms: 100 level updates a second, as trades
SEEDED_TABLES = ("books_trade", "books_bookdelta", "books_booksnapshot")


def bench_instrument(using: str):
    """The one instrument every storage bench row belongs to (binance BTCUSDT), made if missing."""
    from exchanges.models import Exchange, Instrument

    exchange, _ = Exchange.objects.using(using).get_or_create(
        venue="binance", defaults={"name": "Binance spot"}
    )
    inst, _ = Instrument.objects.using(using).get_or_create(
        exchange=exchange, symbol="BTCUSDT", defaults={"pair": "BTC-USDT", "base": "BTC", "quote": "USDT"}
    )
    return Instrument.objects.using(using).select_related("exchange").get(pk=inst.pk)


def admin_connection() -> psycopg.Connection:
    """An autocommit connection to the `postgres` database of the server DATABASE_URL names."""
    base = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("the benchmarks' databases need PostgreSQL (DATABASE_URL=postgres://...)")
    return psycopg.connect(
        host=base["HOST"] or "127.0.0.1",
        port=base["PORT"] or 5432,
        user=base["USER"] or "postgres",
        password=base.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def beside(name: str) -> dict:
    """The Django database entry of database `name` on DATABASE_URL's server."""
    return {**connection.settings_dict, "NAME": name}


def recreate_database(name: str) -> None:
    """Database `name` on DATABASE_URL's server, empty (dropped first if it was there)."""
    with admin_connection() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")


def drop_database(name: str) -> None:
    with admin_connection() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def registered(alias: str, entry: dict, *, migrate: bool = True):
    """Database `entry` as Django alias `alias` (migrated); the alias is closed and removed
    afterwards, so a later open starts from no connection."""
    from django.core.management import call_command

    connections.settings[alias] = connections.configure_settings({"default": entry})["default"]
    try:
        if migrate:
            call_command("migrate", database=alias, verbosity=0)
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        connections.settings.pop(alias, None)


def _make_partitions(using: str, cursor, *, start: datetime, end: datetime) -> None:
    from books.storage import partman
    from books.storage.backend import PARTMAN, storage_backend

    if storage_backend(connections[using]) != PARTMAN:
        return
    hour = start.replace(minute=0, second=0, microsecond=0)
    hours = []
    while hour <= end:
        hours.append(hour)
        hour += timedelta(hours=1)
    for table in SEEDED_TABLES:
        partman.ensure_partitions(cursor, table=table, hours=hours)


def _unlogged(cursor) -> None:
    """The seeded tables' partitions write no WAL: the ten million trades went in in 73 s instead
    of 119 s on a slow machine. Only the write path changes; the queries timed read the same
    pages through the same indexes. (Partitions made later, or a hypertable's chunks, stay logged.)"""
    cursor.execute(
        "SELECT c.oid::regclass::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = ANY(%s::regclass[]) AND c.relpersistence = 'p'",
        [list(SEEDED_TABLES)],
    )
    for (partition,) in cursor.fetchall():
        cursor.execute(f"ALTER TABLE {partition} SET UNLOGGED")


def _at_our_priority(conn, cursor) -> None:
    """The server process doing the seeding gets this process's niceness (tests/perf/prepare.py
    runs at 19, behind the memory section), where it can: a server on this machine that lets us."""
    if conn.settings_dict["HOST"] not in ("", "127.0.0.1", "localhost", "::1"):
        return
    cursor.execute("SELECT pg_backend_pid()")
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, cursor.fetchone()[0], os.getpriority(os.PRIO_PROCESS, 0))


def seed(*, using: str, rows: int) -> dict:
    """`rows` trades ending now (10 ms apart), as many level updates in book changes of 20 levels
    (`rows` / 20 changes, 200 ms apart), and a 100-level snapshot every second of the last two
    hours. Returns rows, changes, the end time and seconds taken."""
    inst = bench_instrument(using)
    now = datetime.now(UTC)
    start = now - timedelta(milliseconds=10 * rows)
    changes = rows // CHANGE_LEVELS
    t0 = time.perf_counter()
    with connections[using].cursor() as cursor:
        _at_our_priority(connections[using], cursor)
        _make_partitions(using, cursor, start=start, end=now)
        _unlogged(cursor)
        # Rows go in oldest first (g counts down), as a feed writes them: each index then grows at
        # its right end (the trades went in in 57 s instead of 73 s).
        cursor.execute(
            "INSERT INTO books_trade (time, instrument_id, trade_id, price, quantity, taker_side) "
            "SELECT %s - g * INTERVAL '10 milliseconds', %s, g::text, 65000 + (g %% 1000) * 0.01, "
            "0.001 * (g %% 100 + 1), CASE WHEN g %% 2 = 0 THEN 'buy' ELSE 'sell' END "
            "FROM generate_series(%s, 1, -1) g",
            [now, inst.id, rows],
        )
        # Events step 20 per change, 100 per second: the snapshots' events below fit between them.
        side = (
            "(SELECT jsonb_agg(jsonb_build_array(({base} {sign} ((g + k) %% 100) * 0.1)::text, "
            "((g + k) %% 7 * 0.5)::text) ORDER BY k) FROM generate_series(0, 9) k)"
        )
        cursor.execute(
            "INSERT INTO books_bookdelta (time, instrument_id, sequence, event, bids, asks) "
            f"SELECT %s - g * INTERVAL '{CHANGE_EVERY_MS} milliseconds', %s, %s - g * 20, %s - g * 20, "
            f"{side.format(base=64990, sign='-')}, {side.format(base=65010, sign='+')} "
            "FROM generate_series(%s, 1, -1) g",
            [now, inst.id, rows + 1, rows + 1, changes],
        )
        snapshots = min(7200, rows // 100)
        cursor.execute(
            "WITH side AS (SELECT jsonb_agg(jsonb_build_array((64990 - k * 0.1)::text, '1') ORDER BY k) AS bids, "
            "jsonb_agg(jsonb_build_array((65010 + k * 0.1)::text, '1') ORDER BY k) AS asks "
            "FROM generate_series(0, 99) k) "
            "INSERT INTO books_booksnapshot (time, instrument_id, sequence, event, depth, bids, asks, best_bid, "
            "best_ask, mid, spread) SELECT %s - g * INTERVAL '1 second', %s, %s - g * 100, %s - g * 100, 1000, "
            "side.bids, side.asks, 64990, 65010, 65000, 20 FROM generate_series(0, %s) g, side",
            [now, inst.id, rows + 1, rows + 1, snapshots],
        )
    return {"rows": rows, "changes": changes, "end": now, "seconds": time.perf_counter() - t0}


def prepare(rows: int, *, name: str = QUERY_DB) -> dict:
    """Make the query database afresh: migrated, seeded, vacuumed (so no autovacuum of ten million
    rows runs later, under a timed section), then marked as this run's."""
    recreate_database(name)
    with registered("bench_query", beside(name)) as alias:
        seeded = seed(using=alias, rows=rows)
        with connections[alias].cursor() as cursor:  # Django's autocommit: VACUUM needs no transaction
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(SEEDED_TABLES)}")
            cursor.execute(
                "CREATE TABLE bench_seed (run text, rows bigint, changes bigint, seeded_end timestamptz)"
            )
            cursor.execute(
                "INSERT INTO bench_seed VALUES (%s, %s, %s, %s)",
                [os.environ.get(RUN_VARIABLE, ""), rows, seeded["changes"], seeded["end"]],
            )
    return seeded


def _marked(alias: str, rows: int) -> dict | None:
    """The seed of this run in the query database, if it holds one of `rows` rows."""
    run = os.environ.get(RUN_VARIABLE)
    if not run:
        return None
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_seed') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT rows, changes, seeded_end FROM bench_seed WHERE run = %s", [run])
        row = cursor.fetchone()
    if row is None or row[0] != rows:
        return None
    return {"rows": row[0], "changes": row[1], "end": row[2], "prepared": True}


def _exists(name: str) -> bool:
    with admin_connection() as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


@contextlib.contextmanager
def query_database(rows: int, *, name: str = QUERY_DB):
    """(alias, seed) of the query database holding `rows` trades: the one prepared for this run
    (seed["prepared"] True), else one seeded now. Dropped afterwards."""
    try:
        seeded = None
        if _exists(name):
            with registered("bench_query", beside(name), migrate=False) as alias:
                seeded = _marked(alias, rows)
        if seeded is None:
            seeded = {**prepare(rows, name=name), "prepared": False}
        with registered("bench_query", beside(name), migrate=False) as alias:  # prepare() migrated it
            yield alias, seeded
    finally:
        drop_database(name)


if __name__ == "__main__":
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
    django.setup()
    print(prepare(int(sys.argv[1]) if len(sys.argv) > 1 else FULL_ROWS))
