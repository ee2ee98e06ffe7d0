"""Fixtures of the storage tests: instruments, a writer on the test database, row builders."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from books.writer import TickWriter
from exchanges.models import Exchange, Instrument
from exchanges.types import InstrumentSpec


@pytest.fixture
def instrument(db) -> Instrument:
    exchange, _ = Exchange.objects.get_or_create(venue="binance", defaults={"name": "Binance spot"})
    inst, _ = Instrument.objects.get_or_create(
        exchange=exchange, symbol="TESTUSDT", defaults={"pair": "TEST-USDT", "base": "TEST", "quote": "USDT"}
    )
    return inst


@pytest.fixture
def spec(instrument) -> InstrumentSpec:
    return InstrumentSpec(
        venue="binance",
        symbol=instrument.symbol,
        pair=instrument.pair,
        id=instrument.id,
        depth=instrument.depth,
    )


@pytest.fixture
def make_writer(tmp_path):
    """Writers on the test database with a spill directory of the test's own; stopped at the end."""
    made: list[TickWriter] = []

    def make(**options) -> TickWriter:
        options.setdefault("spill_dir", tmp_path / "spill")
        options.setdefault("flush_interval", 0.05)
        options.setdefault("retry_interval", 0.2)
        writer = TickWriter(**options)
        made.append(writer)
        return writer

    yield make
    for writer in made:
        writer.stop(timeout=2)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def trade_row(instrument_id: int, at: datetime, n: int, price: str = "100.5", qty: str = "0.25") -> tuple:
    return (at, instrument_id, f"t{n}", Decimal(price), Decimal(qty), "buy" if n % 2 else "sell")


def wait_for(predicate, *, timeout: float = 10.0, interval: float = 0.02):
    """Poll `predicate` until it returns something truthy; fail with a clear message at the deadline."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {predicate}")
        time.sleep(interval)


@pytest.fixture
def postgres_dsn(db):
    """A libpq DSN of the test database, for writers that must go through a proxy."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")
    s = connection.settings_dict

    def dsn(port: int | None = None) -> str:
        parts = [
            f"host={s['HOST'] or '127.0.0.1'}",
            f"port={port or s['PORT'] or 5432}",
            f"dbname={s['NAME']}",
            f"user={s['USER'] or 'postgres'}",
        ]
        if s.get("PASSWORD"):
            parts.append(f"password={s['PASSWORD']}")
        return " ".join(parts)

    return dsn


PGLITE_SCRIPT = Path(__file__).with_name("pglite_server.mjs")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pglite(django_db_setup, django_db_blocker):
    """A fresh TimescaleDB (pglite, WebAssembly) on an ephemeral port, as Django alias "pglite".

    Missing node or node_modules is a failure, not a skip: these tests are the only proof of the
    Timescale path. One client at a time: close the Django connection before a writer connects.
    """
    import shutil
    import subprocess

    from django.db import connections

    if shutil.which("node") is None:
        pytest.fail("node is not on PATH: the TimescaleDB tests need it (apt-get install nodejs)")
    if not (REPO / "node_modules" / "@electric-sql" / "pglite" / "dist" / "timescaledb").is_dir():
        pytest.fail("node_modules/@electric-sql/pglite (the TimescaleDB build) is missing: run `make node`")
    import tempfile
    import time

    log = Path(tempfile.mkdtemp(prefix="pglite-")) / "server.log"
    with open(log, "w") as out:  # a file, not a pipe: a chatty server can never block on it
        proc = subprocess.Popen(
            ["node", str(PGLITE_SCRIPT), "0"],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    line = ""
    while not line.startswith("LISTENING"):
        text = log.read_text()
        line = text.splitlines()[0] if text.strip() else ""
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the pglite server did not start: {text[-2000:]}")
        time.sleep(0.05)
    port = int(line.split()[1])
    entry = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "template1",
        "USER": "postgres",
        "PASSWORD": "any",
        "HOST": "127.0.0.1",
        "PORT": port,
        "OPTIONS": {"sslmode": "disable"},
    }
    connections.settings["pglite"] = connections.configure_settings({"default": entry})["default"]
    try:
        with django_db_blocker.unblock():
            yield "pglite"
            connections["pglite"].close()
    finally:
        del connections["pglite"]
        connections.settings.pop("pglite", None)
        proc.stdin.close()  # the server exits when its stdin closes
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if proc.returncode not in (0, None, -9):
            print(f"pglite server exited with {proc.returncode}:\n{log.read_text()[-4000:]}")


@pytest.fixture
def store_trades(make_writer):
    """Store trade rows through a writer, in the given order (so ids follow it); returns the rows."""

    def store(rows: list[tuple]) -> list[tuple]:
        writer = make_writer().start()
        for row in rows:
            writer.submit("trade", row)
        assert writer.flush(timeout=30), writer.stats()
        assert writer.stats()["refused"] == 0 and writer.stats()["spilled"] == 0, writer.stats()
        writer.stop(timeout=5)
        return rows

    return store


def random_trades(rng, instrument_id: int, *, start: datetime, seconds: float, n: int, tag: str) -> list:
    """`n` trades at random times in [start, start + seconds), not in time order, a quarter of them
    at exactly the instant of an earlier one (ties, which only the stored order breaks)."""
    from datetime import timedelta

    rows: list[tuple] = []
    for i in range(n):
        if rows and rng.random() < 0.25:
            at = rng.choice(rows)[0]
        else:
            at = start + timedelta(microseconds=rng.randrange(int(seconds * 1_000_000)))
        price = Decimal(rng.randint(6_400_000, 6_600_000)).scaleb(-2)
        qty = Decimal(rng.randint(1, 99_999)).scaleb(-5)
        rows.append((at, instrument_id, f"{tag}{i}", price, qty, rng.choice(["buy", "sell"])))
    return rows


def recompute_bars(rows: list[tuple], *, interval, start: datetime, end: datetime) -> list[dict]:
    """bars() in plain Python from trade rows in stored order: open/close by time, ties by order."""
    from collections import defaultdict

    origin = datetime(2000, 1, 3, tzinfo=UTC)
    groups: dict = defaultdict(list)
    for row in sorted((r for r in rows if start <= r[0] < end), key=lambda r: r[0]):  # stable
        groups[origin + ((row[0] - origin) // interval) * interval].append(row)
    return [
        {
            "bucket": bucket,
            "open": group[0][3],
            "high": max(r[3] for r in group),
            "low": min(r[3] for r in group),
            "close": group[-1][3],
            "volume": sum(r[4] for r in group),
            "count": len(group),
        }
        for bucket, group in sorted(groups.items())
    ]
