"""The TimescaleDB path, for real: the project's migrations on a TimescaleDB server (pglite), the
writer's INSERT mode, time_bucket bars and the continuous aggregate against a Python recomputation,
compression and retention policies run by hand (pglite has no job scheduler), and book_at."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext

from books.models import BookDelta
from books.orderbook import VenueBook
from books.recorder import TickRecorder
from books.selectors import bars, book_at
from books.storage import timescale
from books.storage.backend import TIMESCALE, storage_backend
from books.storage.info import storage_info
from books.storage.rollup import trade_minutes_roll_up
from books.storage.services import storage_maintain
from books.writer import TickWriter
from exchanges.models import Exchange, Instrument
from exchanges.types import InstrumentSpec

pytestmark = pytest.mark.timescale
D = Decimal
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


@pytest.fixture(scope="module")
def tsdb(pglite):
    call_command("migrate", database=pglite, verbosity=0)
    yield pglite


@pytest.fixture(scope="module")
def instrument(tsdb) -> Instrument:
    exchange, _ = Exchange.objects.using(tsdb).get_or_create(
        venue="binance", defaults={"name": "Binance spot"}
    )
    inst, _ = Instrument.objects.using(tsdb).get_or_create(
        exchange=exchange, symbol="BTCUSDT", defaults={"pair": "BTC-USDT", "base": "BTC", "quote": "USDT"}
    )
    return Instrument.objects.using(tsdb).select_related("exchange").get(pk=inst.pk)


def _write(tsdb, tmp_path, submit) -> TickWriter:
    # pglite serves one client at a time, and takes each socket read as whole protocol messages:
    # INSERTs of 100 rows keep every message well under one 64 kB read.
    connections[tsdb].close()
    writer = TickWriter(using=tsdb, use_copy=False, insert_batch=100, spill_dir=tmp_path, flush_interval=0.05)
    writer.start()
    try:
        submit(writer)
        assert writer.flush(timeout=60), writer.stats()
    finally:
        writer.stop(timeout=5)
    assert writer.stats()["refused"] == 0 and writer.stats()["spilled"] == 0
    return writer


def _query(tsdb, sql, params=()):
    with connections[tsdb].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_migrate_from_zero_builds_hypertables_policies_and_the_bars_aggregate(tsdb):
    assert storage_backend(connections[tsdb]) == TIMESCALE
    hypertables = _query(
        tsdb,
        "SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables "
        "WHERE hypertable_name LIKE 'books_%%'",  # the analytics app has its own (metric bars)
    )
    assert sorted(hypertables) == [
        ("books_bookdelta", True),
        ("books_booksnapshot", True),
        ("books_trade", True),
    ]
    jobs = _query(
        tsdb, "SELECT proc_name, hypertable_name FROM timescaledb_information.jobs WHERE job_id >= 1000"
    )
    for table in ("books_trade", "books_bookdelta", "books_booksnapshot"):
        assert ("policy_retention", table) in jobs and ("policy_compression", table) in jobs
    assert ("policy_refresh_continuous_aggregate", timescale.BARS_VIEW) in jobs
    segment = _query(
        tsdb,
        "SELECT attname FROM timescaledb_information.compression_settings "
        "WHERE hypertable_name = 'books_bookdelta' AND segmentby_column_index = 1",
    )
    assert segment == [("instrument_id",)]
    order = _query(
        tsdb,
        "SELECT attname FROM timescaledb_information.compression_settings "
        "WHERE hypertable_name = 'books_bookdelta' AND orderby_column_index IS NOT NULL "
        "ORDER BY orderby_column_index",
    )
    assert order == [("time",), ("event",), ("id",)], "compressed in the order book_at reads"
    assert dict(
        _query(
            tsdb,
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'books_bookdelta'",
        )
    ) == {
        "id": "bigint",
        "time": "timestamp with time zone",
        "instrument_id": "bigint",
        "sequence": "bigint",
        "event": "bigint",
        "bids": "jsonb",
        "asks": "jsonb",
    }
    info = storage_info(using=tsdb)
    assert info["backend"] == "timescale" and info["tables"]["books_bookdelta"]["chunk_interval"] == "1 hour"

    call_command("migrate", "books", "zero", database=tsdb, verbosity=0)
    assert _query(tsdb, "SELECT count(*) FROM timescaledb_information.hypertables") == [(0,)]
    assert _query(tsdb, "SELECT count(*) FROM timescaledb_information.continuous_aggregates") == [(0,)]
    call_command("migrate", "books", database=tsdb, verbosity=0)
    connections[tsdb].__dict__.pop("_marketagg_storage_backend", None)
    assert storage_backend(connections[tsdb]) == TIMESCALE
    assert len(_query(tsdb, "SELECT 1 FROM timescaledb_information.hypertables")) == 3


def test_bars_by_time_bucket_and_continuous_aggregate_equal_a_recomputation(tsdb, instrument, tmp_path):
    rng = random.Random(7)
    start = NOW - timedelta(minutes=40)
    trades = []
    for i in range(900):  # distinct times: first/last by time are well defined
        at = start + timedelta(milliseconds=i * 2500 + rng.randint(0, 2000))
        trades.append(
            (
                at,
                instrument.id,
                f"x{i}",
                D(rng.randint(6_500_000, 6_510_000)).scaleb(-2),
                D(rng.randint(1, 10_000)).scaleb(-4),
                rng.choice(["buy", "sell"]),
            )
        )
    _write(tsdb, tmp_path, lambda w: [w.submit("trade", t) for t in trades])

    expected = defaultdict(list)
    for t in trades:
        expected[t[0].replace(second=0, microsecond=0)].append(t)
    want = [
        {
            "bucket": k,
            "open": v[0][3],
            "high": max(x[3] for x in v),
            "low": min(x[3] for x in v),
            "close": v[-1][3],
            "volume": sum(x[4] for x in v),
            "count": len(v),
        }
        for k, v in sorted(expected.items())
    ]
    with CaptureQueriesContext(connections[tsdb]) as queries:
        got = bars(
            instrument=instrument,
            start=start,
            end=NOW + timedelta(hours=1),
            interval=timedelta(minutes=1),
            using=tsdb,
        )
    assert any("time_bucket(" in q["sql"] for q in queries.captured_queries)
    assert got == want
    # The 1-minute rollup (a plain table here too) gives the same bars, with ties broken by id.
    assert trade_minutes_roll_up(using=tsdb)["minutes"] == len(want)
    with CaptureQueriesContext(connections[tsdb]) as queries:
        rolled = bars(
            instrument=instrument,
            start=start,
            end=NOW + timedelta(hours=1),
            interval=timedelta(minutes=1),
            using=tsdb,
        )
    assert any("books_trademinute" in q["sql"] for q in queries.captured_queries)
    assert rolled == want

    _query(tsdb, "SELECT 1")  # CALL refuses to run in a transaction; Django's connection autocommits
    with connections[tsdb].cursor() as cursor:
        cursor.execute(
            f"CALL refresh_continuous_aggregate('{timescale.BARS_VIEW}', %s, %s)",
            [start - timedelta(minutes=1), NOW + timedelta(minutes=1)],
        )
    cagg = _query(
        tsdb,
        f"SELECT bucket, open, high, low, close, volume, trades FROM {timescale.BARS_VIEW} "
        "WHERE instrument_id = %s ORDER BY bucket",
        [instrument.id],
    )
    assert [
        {"bucket": b, "open": o, "high": h, "low": lo, "close": c, "volume": v, "count": n}
        for b, o, h, lo, c, v, n in cagg
    ] == want


def test_a_trade_delivered_twice_is_stored_once_on_the_hypertable(tsdb, instrument, tmp_path):
    at = NOW - timedelta(hours=2)
    trades = [(at + timedelta(seconds=i), instrument.id, f"dup{i}", D("1"), D("1"), "buy") for i in range(30)]
    # Each trade twice, in one batch and again in a later one: the unique index holds on the hypertable.
    writer = _write(tsdb, tmp_path, lambda w: [w.submit("trade", t) for t in trades + trades[:10]])
    assert writer.stats()["duplicate_rows"] == 10
    writer = _write(tsdb, tmp_path, lambda w: [w.submit("trade", t) for t in trades])
    assert writer.stats()["duplicate_rows"] == 30 and writer.stats()["written"] == 0
    stored = _query(
        tsdb,
        "SELECT trade_id FROM books_trade WHERE trade_id LIKE 'dup%%' AND instrument_id = %s ORDER BY id",
        [instrument.id],
    )
    assert [r[0] for r in stored] == [t[2] for t in trades]


def test_compression_and_retention_policies_act_on_old_chunks(tsdb, instrument, tmp_path):
    two_days = NOW - timedelta(days=2)
    forty_days = NOW - timedelta(days=40)
    rows = [
        (
            two_days + timedelta(seconds=i),
            instrument.id,
            i,
            i,
            [(D("100") + i, D("1")), (D("99.5"), D("0E-8"))],
            [(D("200.000000000000000001") + i, D("0.25"))] if i % 3 else [],
        )
        for i in range(300)
    ]
    rows += [
        (forty_days + timedelta(seconds=i), instrument.id, None, i, [], [(D("200"), D("2"))])
        for i in range(50)
    ]
    _write(tsdb, tmp_path, lambda w: [w.submit("delta", r) for r in rows])
    assert _query(
        tsdb, "SELECT count(*) FROM books_bookdelta WHERE time < %s", [NOW - timedelta(days=1)]
    ) == [(350,)]

    result = storage_maintain(using=tsdb, run_jobs=True)
    assert result["backend"] == "timescale" and result["jobs_run"]
    chunks = _query(
        tsdb,
        "SELECT range_start, is_compressed FROM timescaledb_information.chunks "
        "WHERE hypertable_name = 'books_bookdelta' ORDER BY range_start",
    )
    assert all(start > NOW - timedelta(days=30) for start, _ in chunks), "the 40-day-old chunk is dropped"
    assert any(compressed for start, compressed in chunks if start < NOW - timedelta(days=1))
    # Compressed rows still read back exactly, one row per change; the dropped ones are gone.
    stored = BookDelta.objects.using(tsdb).filter(instrument=instrument, time__lt=NOW - timedelta(days=1))
    assert [(d.time, d.sequence, d.event, d.levels()) for d in stored.order_by("time", "event")] == [
        (r[0], r[2], r[3], [("b", *lv) for lv in r[4]] + [("a", *lv) for lv in r[5]]) for r in rows[:300]
    ]
    assert _query(
        tsdb,
        "SELECT sum((bids->0->>0)::numeric), sum(jsonb_array_length(asks)) FROM books_bookdelta WHERE time < %s",
        [NOW - timedelta(days=1)],
    ) == [(sum(D("100") + i for i in range(300)), 200)]


def test_book_at_on_hypertables(tsdb, instrument, tmp_path):
    spec = InstrumentSpec(venue="binance", symbol="BTCUSDT", id=instrument.id)
    book = VenueBook(venue="binance", symbol="BTCUSDT", depth=5)
    t0 = (NOW - timedelta(hours=3)).timestamp()
    history = []

    def stream(writer):
        recorder = TickRecorder(writer=writer, snapshot_interval=1.0)
        rng = random.Random(3)
        ts = t0
        for i in range(150):
            ts += rng.choice([0, 0.2, 0.9])
            if i == 0:
                bids = [(D(100 - k), D(k + 1)) for k in range(5)]
                asks = [(D(101 + k), D(k + 1)) for k in range(5)]
                book.load_snapshot(bids=bids, asks=asks, sequence=i, at=ts)
            else:
                bids = [(D(rng.randint(90, 100)), D(rng.randint(0, 3)))]
                asks = [(D(rng.randint(101, 110)), D(rng.randint(0, 3)))]
                book.apply(bids=bids, asks=asks, sequence=i, at=ts)
            recorder.book_changed(spec, book, ts=ts, bids=bids, asks=asks, snapshot=i == 0)
            history.append((ts, book.to_json()))

    _write(tsdb, tmp_path, stream)
    for ts, _ in history[::7] + history[-1:]:
        expected = [state for t, state in history if t <= ts][-1]  # after every change at that instant
        assert (
            book_at(instrument=instrument, at=datetime.fromtimestamp(ts, UTC), using=tsdb).to_json()
            == expected
        )


def _changes(tsdb, instrument) -> list[tuple]:
    rows = BookDelta.objects.using(tsdb).filter(instrument=instrument).order_by("time", "event", "id")
    return [(d.time, d.sequence, d.event, d.levels()) for d in rows]


def test_migration_0005_regroups_level_rows_on_hypertables_and_back(tsdb, instrument):
    """books.0005 on TimescaleDB: the stored changes go back to one row per level and forward again
    (through compressed chunks) exactly, and the table stays a compressed hypertable with policies."""
    at = NOW - timedelta(days=2, minutes=30)
    level_rows = [  # as the writer stored them before 0005: the rows of one change share its event
        (at, instrument.id, 7, 1, "b", D("100.5"), D("1")),
        (at, instrument.id, 7, 1, "b", D("100.25"), D("0")),
        (at, instrument.id, 7, 1, "a", D("101.000000000000000001"), D("2.5")),
        (at, instrument.id, 7, 2, "a", D("101"), D("3")),  # the same instant, the next change
        (at + timedelta(seconds=1), instrument.id, None, 3, "b", D("100"), D("4")),
    ]
    grouped = [
        (
            at,
            7,
            1,
            [
                ("b", D("100.5"), D("1")),
                ("b", D("100.25"), D(0)),
                ("a", D("101.000000000000000001"), D("2.5")),
            ],
        ),
        (at, 7, 2, [("a", D("101"), D("3"))]),
        (at + timedelta(seconds=1), None, 3, [("b", D("100"), D("4"))]),
    ]
    moments = [NOW - timedelta(hours=3) + timedelta(seconds=s) for s in (5, 20, 60)]
    books = [book_at(instrument=instrument, at=m, using=tsdb).to_json() for m in moments]
    before = _changes(tsdb, instrument)

    call_command("migrate", "books", "0004_trade_unique", database=tsdb, verbosity=0)
    stored = _query(
        tsdb,
        "SELECT time, sequence, event, side, price, quantity FROM books_bookdelta WHERE instrument_id = %s "
        "ORDER BY id",
        [instrument.id],
    )
    assert stored == [(t, seq, event, *level) for t, seq, event, levels in before for level in levels]
    with connections[tsdb].cursor() as cursor:
        cursor.executemany(
            "INSERT INTO books_bookdelta (time, instrument_id, sequence, event, side, price, quantity) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            level_rows,
        )
    storage_maintain(using=tsdb, run_jobs=True)
    assert _query(
        tsdb,
        "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'books_bookdelta' "
        "AND is_compressed AND range_end <= %s",
        [at + timedelta(hours=1)],
    ) != [(0,)], "the migration reads compressed chunks"

    call_command("migrate", "books", database=tsdb, verbosity=0)
    connections[tsdb].__dict__.pop("_marketagg_storage_backend", None)
    assert storage_backend(connections[tsdb]) == TIMESCALE
    assert _changes(tsdb, instrument) == sorted(before + grouped, key=lambda c: (c[0], c[2]))
    assert [book_at(instrument=instrument, at=m, using=tsdb).to_json() for m in moments] == books
    assert _query(
        tsdb,
        "SELECT h.compression_enabled, s.attname FROM timescaledb_information.hypertables h "
        "JOIN timescaledb_information.compression_settings s USING (hypertable_name) "
        "WHERE hypertable_name = 'books_bookdelta' AND s.segmentby_column_index = 1",
    ) == [(True, "instrument_id")]
    jobs = _query(
        tsdb, "SELECT proc_name FROM timescaledb_information.jobs WHERE hypertable_name = 'books_bookdelta'"
    )
    assert sorted(jobs) == [("policy_compression",), ("policy_retention",)]
