"""`migrate` on an empty database builds the tick storage the server supports, and `migrate books
zero` takes it away again: pg_partman partitions (or plain tables when told so) on PostgreSQL,
indexed tables on SQLite. TimescaleDB: test_timescale_storage_on_pglite."""

from __future__ import annotations

import os

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, connections

from books.storage import partman
from books.storage.backend import PARTMAN, POSTGRES, SQLITE, storage_backend
from books.storage.pgddl import TICK_TABLES

pytestmark = [pytest.mark.backends]


@pytest.fixture
def fresh_database(django_db_setup, tmp_path, django_db_blocker):
    """A database of its own (not the test database), as Django alias "fresh"."""
    with django_db_blocker.unblock():
        yield from _fresh(tmp_path)


def _fresh(tmp_path):
    base = dict(connection.settings_dict)
    admin = None
    if connection.vendor == "postgresql":
        name = f"marketagg_storage_fresh_{os.getpid()}"
        admin = psycopg.connect(
            host=base["HOST"] or "127.0.0.1",
            port=base["PORT"] or 5432,
            user=base["USER"] or "postgres",
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
        entry = {**base, "NAME": name}
    else:
        entry = {**base, "NAME": str(tmp_path / "fresh.sqlite3")}
    entry.pop("TEST", None)
    connections.settings["fresh"] = connections.configure_settings({"default": entry})["default"]
    yield "fresh"
    connections["fresh"].close()
    del connections["fresh"]
    connections.settings.pop("fresh", None)
    if admin is not None:
        admin.execute(f"DROP DATABASE IF EXISTS {entry['NAME']} WITH (FORCE)")
        admin.close()


def _tables(alias: str) -> set[str]:
    return set(connections[alias].introspection.table_names()) & set(TICK_TABLES)


def _parents(alias: str) -> set[str]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT parent_table FROM partman.part_config")
        names = {r[0].split(".")[-1] for r in cursor.fetchall()}
    return {name for name in names if name.startswith("books_")}  # other apps partition tables too


def _trade_unique_index(alias: str) -> str | None:
    """The definition of the index that keeps one row per trade, if there is one."""
    with connections[alias].cursor() as cursor:
        if connections[alias].vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'books_trade_unique'"
            )
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'books_trade_unique'")
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.mark.parametrize("forced", ["auto", "postgres"])
def test_migrate_from_zero_and_back(forced, fresh_database, settings):
    alias = fresh_database
    settings.MARKETAGG = {**settings.MARKETAGG, "STORAGE_BACKEND": forced}
    vendor = connections[alias].vendor
    # SQLite has one storage whatever the setting says.
    call_command("migrate", database=alias, verbosity=0)
    expected = SQLITE if vendor == "sqlite" else (PARTMAN if forced == "auto" else POSTGRES)
    assert storage_backend(connections[alias]) == expected
    assert _tables(alias) == set(TICK_TABLES)
    unique = _trade_unique_index(alias) or ""
    assert "UNIQUE" in unique.upper() and "trade_id" in unique and "time" in unique, unique
    if expected == PARTMAN:
        with connections[alias].cursor() as cursor:
            parts = partman.partitions(cursor, "books_bookdelta")
        assert len(parts) >= partman.PREMAKE * 2, "hourly partitions made behind and ahead"
        assert parts[-1] == ("books_bookdelta_default", "DEFAULT")
        assert _parents(alias) == set(TICK_TABLES)
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                "'books_trade'::regclass AND contype = 'p'"
            )
            assert cursor.fetchone()[0] == 'PRIMARY KEY (id, "time")'

    call_command("migrate", "books", "zero", database=alias, verbosity=0)
    assert _tables(alias) == set()
    assert _trade_unique_index(alias) is None
    if expected == PARTMAN:
        assert _parents(alias) == set()
    call_command("migrate", "books", database=alias, verbosity=0)
    assert _tables(alias) == set(TICK_TABLES)
    connections[alias].__dict__.pop("_marketagg_storage_backend", None)
    assert storage_backend(connections[alias]) == expected
