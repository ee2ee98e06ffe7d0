"""The migration step that creates (and drops) the tick tables for the backend the database has.

Runs inside `books.0001_initial` as RunPython, so "migrate" on a new database is all it takes:
SQLite and plain PostgreSQL get Django's own tables; pg_partman and TimescaleDB get the DDL of
books/storage/{partman,timescale}.py. An extension that cannot be set up (no rights, say) falls
back to plain tables rather than failing the migration.
"""

from __future__ import annotations

import logging

from django.db import transaction

from books.storage import partman, timescale
from books.storage.backend import PARTMAN, POSTGRES, SQLITE, TIMESCALE, choose_backend, forget_backend

log = logging.getLogger("books.storage")
MODELS = ("Trade", "BookDelta", "BookSnapshot")


def _django_tables(apps, schema_editor) -> None:
    for name in MODELS:
        schema_editor.create_model(apps.get_model("books", name))


def create_tick_tables(apps, schema_editor) -> None:
    connection = schema_editor.connection
    backend = choose_backend(connection)
    forget_backend(connection)
    if backend in (SQLITE, POSTGRES):
        _django_tables(apps, schema_editor)
        log.info("tick tables created as plain indexed tables (%s)", backend)
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if backend == TIMESCALE:
                for sql in timescale.setup_sql():
                    cursor.execute(sql)
            else:
                partman.setup(cursor)
        log.info("tick tables created on %s", backend)
    except Exception as exc:  # an extension we may not install: keep the tables, lose partitioning
        log.warning("cannot set up %s (%s); tick tables are plain indexed tables", backend, exc)
        _django_tables(apps, schema_editor)


def drop_tick_tables(apps, schema_editor) -> None:
    connection = schema_editor.connection
    forget_backend(connection)
    if connection.vendor == "sqlite":
        for name in reversed(MODELS):
            schema_editor.delete_model(apps.get_model("books", name))
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")
        if cursor.fetchone():
            for sql in timescale.teardown_sql():
                cursor.execute(sql)
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_partman'")
        if cursor.fetchone():
            partman.teardown(cursor)
        else:
            for name in reversed(MODELS):
                cursor.execute(f"DROP TABLE IF EXISTS books_{name.lower()} CASCADE")


__all__ = ["create_tick_tables", "drop_tick_tables", "PARTMAN", "TIMESCALE"]
