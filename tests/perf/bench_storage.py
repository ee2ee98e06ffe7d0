"""Storage benchmarks (`make bench`; never part of pytest): ingest of book changes (one row each)
through the writer, on a fresh PostgreSQL database of its own (marketagg_storage_bench) and a
SQLite file, both built with the project's migrations (so pg_partman or TimescaleDB, whichever
the server has); then the 1-minute trade rollup, 1-minute bars of the last hour (from the rollup)
and book_at over ten million stored trades (tests/perf/storage_seed.py). Each function returns a
dict of measurements.

    from tests.perf import bench_storage, storage_seed
    with storage_seed.query_database(rows=10_000_000) as (alias, seeded):
        bench_storage.roll_up(using=alias)
        bench_storage.bars_last_hour(using=alias, end=seeded["end"])
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec
from django.db import connections

from tests.perf.storage_seed import (
    CHANGE_LEVELS,
    FULL_ROWS,
    QUICK_ROWS,
    bench_instrument,
    beside,
    drop_database,
    query_database,
    recreate_database,
    registered,
)

BENCH_DB = "marketagg_storage_bench"


@contextlib.contextmanager
def bench_database():
    """A fresh, migrated database for the ingest figures, as Django alias "bench"; dropped afterwards."""
    recreate_database(BENCH_DB)
    try:
        with registered("bench", beside(BENCH_DB)) as alias:
            yield alias
    finally:
        drop_database(BENCH_DB)


def _changes(count: int) -> list[tuple[list, list]]:
    """`count` distinct (bids, asks) of CHANGE_LEVELS levels, as a connector hands them over."""
    out = []
    half = CHANGE_LEVELS // 2
    for n in range(count):
        bids = [
            (Decimal(6_499_000 - (n + k) % 300).scaleb(-2), Decimal((n * 7 + k) % 9).scaleb(-3))
            for k in range(half)
        ]
        asks = [
            (Decimal(6_501_000 + (n + k) % 300).scaleb(-2), Decimal((n * 5 + k) % 11).scaleb(-8))
            for k in range(half)
        ]
        out.append((bids, asks))
    return out


def _spelling(levels: list) -> list[list[str]]:
    """A change's levels as a venue spelling decimal strings (Binance) sends them."""
    return [[format(p, "f"), format(q, "f")] for p, q in levels]


def ingest(*, using: str = "bench", rows: int = 200_000, spelled: bool = False) -> dict:
    """Book-change rows (CHANGE_LEVELS levels each) per second through TickWriter, submitted from
    this thread as the recorder submits them (unchecked), checked, encoded and COPYed in its own.
    `spelled`: a Binance change's levels as the venue's JSON text (what the connector keeps), made
    into a row here as the recorder does on the event loop (books.storage.tables.spelled_json,
    timed with the submits); otherwise Decimal pairs (Deribit's numbers), which the writer checks
    and encodes in its thread."""
    from books.storage.tables import spelled_json
    from books.writer import TickWriter

    inst = bench_instrument(using)
    now = datetime.now(UTC)
    pool = _changes(1000)
    if spelled:
        pool = [
            (msgspec.json.encode(_spelling(bids)), msgspec.json.encode(_spelling(asks)))
            for bids, asks in pool
        ]
    made = [
        (now - timedelta(microseconds=rows - i), inst.id, i, i, *pool[i % len(pool)]) for i in range(rows)
    ]
    with tempfile.TemporaryDirectory() as spill:
        writer = TickWriter(using=using, spill_dir=spill, name="bench", queue_size=rows + 1).start()
        # Sustained, not a burst: the producer keeps a few batches queued, as a steady feed would.
        # (A burst past half the queue is spilled to disk by design, which is not what is measured.)
        ahead = writer.batch_size * 4
        queue = writer._queue
        t0 = time.perf_counter()
        submitted = 0.0
        for start in range(0, rows, 1000):
            while len(queue) > ahead:
                time.sleep(0.0005)
            s0 = time.perf_counter()
            if spelled:
                for time_, iid, seq, event, bids, asks in made[start : start + 1000]:
                    row = (time_, iid, seq, event, spelled_json(bids), spelled_json(asks))
                    writer.submit("delta", row, check=False)
            else:
                for row in made[start : start + 1000]:
                    writer.submit("delta", row, check=False)  # as the feed's recorder submits changes
            submitted += time.perf_counter() - s0
        ok = writer.flush(timeout=600)
        elapsed = time.perf_counter() - t0
        writer.stop()
    stats = writer.stats()
    return {
        "rows": rows,
        "per_second": rows / elapsed,
        "levels_per_second": rows * CHANGE_LEVELS / elapsed,
        "submit_us": submitted / rows * 1e6,
        "complete": ok and stats["written"] == rows and stats["spilled"] == 0 and stats["refused"] == 0,
    }


def _timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def roll_up(*, using: str = "bench") -> dict:
    """One run of the 1-minute trade rollup over everything seeded (what the beat task does)."""
    from books.models import TradeMinute
    from books.storage.rollup import trade_minutes_roll_up

    t0 = time.perf_counter()
    result = trade_minutes_roll_up(using=using)
    seconds = time.perf_counter() - t0
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM books_trade")
        trades = cursor.fetchone()[0]
    return {
        "seconds": seconds,
        "trades": trades,
        "minutes": TradeMinute.objects.using(using).count(),
        **result,
    }


def bars_last_hour(*, using: str, end: datetime) -> dict:
    """1-minute trade bars of the hour before `end` (the seed's last trade) of one instrument
    (median ms of 5): rolled-up minutes plus the raw trades of the partial minutes at both ends."""
    from books.selectors import bars

    inst = bench_instrument(using)
    out: list = []
    ms = _timed(
        lambda: out.append(
            bars(
                instrument=inst,
                start=end - timedelta(hours=1),
                end=end,
                interval=timedelta(minutes=1),
                using=using,
            )
        )
    )
    return {"ms": ms, "bars": len(out[-1])}


def book_at_time(*, using: str, end: datetime) -> dict:
    """book_at half a second after the snapshot of 30 minutes before `end` (the seed's last row;
    100 levels a side), so it reads that snapshot and the changes of the half second after it
    (median ms of 5)."""
    from books.models import BookDelta, BookSnapshot
    from books.selectors import book_at

    inst = bench_instrument(using)
    snap = (
        BookSnapshot.objects.using(using)
        .filter(instrument=inst, time__lte=end - timedelta(minutes=30))
        .order_by("-time")
        .first()
    )
    at = snap.time + timedelta(milliseconds=500)
    book = []
    ms = _timed(lambda: book.append(book_at(instrument=inst, at=at, using=using)))
    changes = BookDelta.objects.using(using).filter(instrument=inst, time__gt=snap.time, time__lte=at).count()
    return {"ms": ms, "levels": len(book[-1].bids) + len(book[-1].asks), "changes": changes}


@contextlib.contextmanager
def sqlite_bench_database():
    """A fresh, migrated SQLite file as Django alias "bench_sqlite" (the embedded default's store)."""
    with tempfile.TemporaryDirectory() as tmp:
        entry = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": f"{tmp}/bench.sqlite3",
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20},
        }
        with registered("bench_sqlite", entry) as alias:
            yield alias


def results(*, quick: bool = False) -> list:
    """`make bench`'s storage figures, as tests.perf.results.Result."""
    from tests.perf.results import Result

    rows = QUICK_ROWS if quick else FULL_ROWS  # trades seeded for the queries
    with bench_database() as alias:
        ing = ingest(using=alias, rows=20_000 if quick else 500_000)
        ing_spelled = ingest(using=alias, rows=20_000 if quick else 500_000, spelled=True)
    with query_database(rows) as (alias, seeded):
        r = roll_up(using=alias)
        b = bars_last_hour(using=alias, end=seeded["end"])
        a = book_at_time(using=alias, end=seeded["end"])
    with sqlite_bench_database() as alias:
        lite = ingest(using=alias, rows=20_000 if quick else 200_000)
    return [
        Result(
            "storage_rows_per_s_postgres",
            f"tick writer into PostgreSQL: book changes of {CHANGE_LEVELS} levels, one row each "
            "(COPY, 1 writer thread)",
            ing["per_second"],
            "rows/s",
            "≥ 200,000 rows/s",
            ing["per_second"] >= 200_000 and ing["complete"],
            f"{ing['per_second']:,.0f} rows/s (submit {ing['submit_us']:.2f} µs/row)",
        ),
        Result(
            "storage_rows_per_s_postgres_spelled",
            "the same, Binance changes stored in the venue's decimal text (the recorder's encode timed too)",
            ing_spelled["per_second"],
            "rows/s",
            "",
            None,
            f"{ing_spelled['per_second']:,.0f} rows/s",
        ),
        Result(
            "storage_levels_per_s_postgres",
            f"the same in level updates ({CHANGE_LEVELS} levels a row × rows/s)",
            ing["levels_per_second"],
            "levels/s",
        ),
        Result(
            "storage_rows_per_s_sqlite",
            f"tick writer into SQLite (the embedded default): book changes of {CHANGE_LEVELS} levels",
            lite["per_second"],
            "rows/s",
        ),
        Result(
            "rollup_seconds",
            f"rollup of {r['trades']:,} trades into 1-minute bars (first run)",
            r["seconds"],
            "s",
        ),
        Result(
            "bars_last_hour_ms",
            f"1-minute bars of the last hour over {seeded['rows']:,} stored trades",
            b["ms"],
            "ms",
            "< 50 ms",
            b["ms"] < 50,
        ),
        Result(
            "book_at_ms",
            f"book_at (a 200-level snapshot + {a['changes']} stored changes of {CHANGE_LEVELS} levels "
            f"after it, over {seeded['changes']:,} changes)",
            a["ms"],
            "ms",
            "< 100 ms",
            a["ms"] < 100,
        ),
    ]
