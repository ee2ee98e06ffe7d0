"""Fixtures every test package may use. Package-specific ones live in tests/<package>/conftest.py."""

import os

import pytest

from tests.worker_env import DEFAULT_REDIS


@pytest.fixture
def redis_url() -> str:
    """The machine's real Redis, on a database of its own so tests never touch live data."""
    return os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS)


@pytest.fixture
def seeded(transactional_db):
    """The default venues and instruments, present even after another test emptied the tables."""
    from exchanges.defaults import seed_defaults
    from exchanges.models import Exchange, Instrument

    seed_defaults(exchange_model=Exchange, instrument_model=Instrument)


@pytest.fixture(autouse=True)
def _close_worker_thread_connections():
    """Django's connections belong to the thread that opened them. Async code (the feed process,
    consumers) reaches the database through asgiref's worker thread, whose connections nothing
    closes: left open, the test database cannot be dropped at the end of the run ("is being
    accessed by other users"). Close them after every test, in that thread."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)
