"""The storage bench queries the database `make bench` seeded while the memory section sampled
only when it was seeded for the same run and size (tests/perf/storage_seed.py); one left by
another run is seeded afresh, so no figure is measured on rows another commit wrote."""

from __future__ import annotations

import os

import pytest
from django.db import connections

from tests.perf import storage_seed

ROWS = 2_000


@pytest.fixture
def name(django_db_setup, django_db_blocker):
    """A query database name of this test's own, dropped afterwards whatever happened."""
    name = f"marketagg_seed_test_{os.getpid()}"
    with django_db_blocker.unblock():
        yield name
        storage_seed.drop_database(name)


def _trades(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM books_trade")
        return cursor.fetchone()[0]


def test_the_seed_prepared_for_this_run_is_queried_then_dropped(name, monkeypatch):
    monkeypatch.setenv(storage_seed.RUN_VARIABLE, "run-a")
    prepared = storage_seed.prepare(ROWS, name=name)
    with storage_seed.query_database(ROWS, name=name) as (alias, seeded):
        assert seeded["prepared"] is True
        assert seeded["end"] == prepared["end"]
        assert _trades(alias) == ROWS
    with storage_seed.admin_connection() as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None


def test_a_seed_of_another_run_or_size_is_made_again(name, monkeypatch):
    monkeypatch.setenv(storage_seed.RUN_VARIABLE, "run-a")
    first = storage_seed.prepare(ROWS, name=name)
    monkeypatch.setenv(storage_seed.RUN_VARIABLE, "run-b")
    with storage_seed.query_database(ROWS, name=name) as (alias, seeded):
        assert seeded["prepared"] is False
        assert seeded["end"] > first["end"]
        assert _trades(alias) == ROWS
    storage_seed.prepare(ROWS, name=name)  # run-b's now, but of another size than asked next
    with storage_seed.query_database(ROWS * 2, name=name) as (alias, seeded):
        assert seeded["prepared"] is False
        assert _trades(alias) == ROWS * 2
