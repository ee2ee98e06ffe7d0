"""Loaded with `-p tests.worker_env` before Django reads its settings: under pytest-xdist, each
worker gets a var directory (spill files and their locks, the SQLite file) and a Redis database
of its own, so two workers never take each other's spill lock or empty each other's Redis keys.
PostgreSQL test databases are apart already (pytest-django suffixes them per worker)."""

import os
from pathlib import Path

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"


def worker_redis_url(url: str, worker: str) -> str:
    """`url` with its database number moved up by the worker's index (gw0 keeps it)."""
    if not worker:
        return url
    base, _, db = url.rpartition("/")
    return f"{base}/{(int(db or 0) + int(worker.removeprefix('gw'))) % 16}"


if WORKER:
    var = Path(os.environ.get("MARKETAGG_VAR_DIR") or Path(__file__).resolve().parents[1] / "var")
    os.environ["MARKETAGG_VAR_DIR"] = str(var / WORKER)
    os.environ["TEST_REDIS_URL"] = worker_redis_url(os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS), WORKER)
