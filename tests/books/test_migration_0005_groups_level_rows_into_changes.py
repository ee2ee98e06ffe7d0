"""books.0005 turns the per-level book deltas stored before it into one row per change, exactly and
in order, on pg_partman partitions, plain PostgreSQL and SQLite; book_at reads the result; going
back gives the per-level rows again. TimescaleDB: test_timescale_storage_on_pglite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connections

from books.models import BookDelta, BookSnapshot
from books.numbers import plain
from books.selectors import book_at
from books.storage.backend import PARTMAN, POSTGRES, SQLITE, storage_backend
from exchanges.models import Exchange, Instrument
from tests.books.test_migrations_build_storage_from_zero import fresh_database  # noqa: F401

pytestmark = [pytest.mark.backends]
D = Decimal
AT = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
OLD = AT - timedelta(days=3)  # far behind the partitions made ahead: partman must make its hour


def _level_rows(a: int, b: int, *, sqlite: bool) -> list[tuple]:
    """Rows as the writer stored them before 0005 (time, instrument, sequence, event, side, price,
    quantity): each change's bids, then its asks; the same instant and sequence may hold two
    changes, a change may have no sequence, two instruments interleave."""
    fine = D("0.00000001") if sqlite else D("0.000000000000000001")  # SQLite kept 15 digits at most
    return [
        (OLD, a, 5, 1, "b", D("99.5"), D("2")),
        (OLD, a, 5, 1, "a", D("100.5"), D("0.00000000")),
        (AT, a, 10, 2, "b", D("100.10"), D("1.5")),
        (AT, a, 10, 2, "b", D("100.2"), D("0")),
        (AT, a, 10, 2, "b", D("100.10"), D("3")),  # the same price twice in one change: the last wins
        (AT, a, 10, 2, "a", D("100.75"), fine),
        (AT, b, 10, 3, "a", D("7"), D("1")),
        (AT, a, 10, 4, "a", D("100.75"), D("0")),
        (AT + timedelta(seconds=1), a, None, 5, "b", D("100.3"), D("4.25")),
        (AT + timedelta(seconds=1), a, None, 5, "a", D("101"), D("1")),
    ]


def _grouped(rows: list[tuple]) -> list[tuple]:
    """The changes of `rows`, computed here: (time, instrument, sequence, event, levels)."""
    changes: dict[tuple, list] = {}
    for t, iid, seq, event, side, price, qty in rows:
        changes.setdefault((t, iid, seq, event), []).append((side, price, qty))
    return sorted(((*key, levels) for key, levels in changes.items()), key=lambda c: (c[0], c[3]))


def _book(snapshot: dict, rows: list[tuple], iid: int, at: datetime) -> dict:
    """The book at `at` from the snapshot and the level rows after it, one level at a time."""
    sides = {"b": dict(snapshot["b"]), "a": dict(snapshot["a"])}
    for t, row_iid, _seq, _event, side, price, qty in rows:
        if row_iid == iid and AT - timedelta(seconds=1) < t <= at:
            if qty:
                sides[side][price] = qty
            else:
                sides[side].pop(price, None)
    return {
        key: [[plain(p), plain(sides[side][p])] for p in sorted(sides[side], reverse=side == "b")]
        for side, key in (("b", "bids"), ("a", "asks"))
    }


@pytest.mark.parametrize("forced", ["auto", "postgres"])
def test_level_rows_become_changes_and_back(forced, fresh_database, settings):  # noqa: F811
    alias = fresh_database
    connection = connections[alias]
    settings.MARKETAGG = {**settings.MARKETAGG, "STORAGE_BACKEND": forced}
    call_command("migrate", database=alias, verbosity=0)
    call_command("migrate", "books", "0004_trade_unique", database=alias, verbosity=0)
    exchange = Exchange.objects.using(alias).get_or_create(venue="binance", defaults={"name": "B"})[0]
    a, b = (
        Instrument.objects.using(alias).create(
            exchange=exchange, symbol=s, pair=f"{s}-USDT", base=s, quote="USDT"
        )
        for s in ("AAA", "BBB")
    )
    rows = _level_rows(a.id, b.id, sqlite=connection.vendor == "sqlite")
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO books_bookdelta (time, instrument_id, sequence, event, side, price, quantity) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(connection.ops.adapt_datetimefield_value(r[0]), *r[1:]) for r in rows],
        )
        if storage_backend(connection) == PARTMAN:
            cursor.execute("SELECT count(*) FROM ONLY books_bookdelta_default")
            assert cursor.fetchone() == (2,), "the old hour has no partition: its rows are in the default"
    snapshot = {"b": [(D("100.1"), D("1")), (D("99"), D("5"))], "a": [(D("100.75"), D("2"))]}
    BookSnapshot.objects.using(alias).create(
        time=AT - timedelta(seconds=1),
        instrument=a,
        event=0,
        bids=[[plain(p), plain(q)] for p, q in snapshot["b"]],
        asks=[[plain(p), plain(q)] for p, q in snapshot["a"]],
    )

    call_command("migrate", "books", database=alias, verbosity=0)
    connection.__dict__.pop("_marketagg_storage_backend", None)
    expected = SQLITE if connection.vendor == "sqlite" else (PARTMAN if forced == "auto" else POSTGRES)
    assert storage_backend(connection) == expected
    stored = BookDelta.objects.using(alias).order_by("time", "event", "id")
    assert [(d.time, d.instrument_id, d.sequence, d.event, d.levels()) for d in stored] == _grouped(rows)
    ids = list(stored.values_list("id", flat=True))
    assert ids == sorted(ids), "ids follow the replay order"
    first = stored.get(event=2)
    if connection.vendor == "postgresql":  # NUMERIC spelled without its padding
        assert (first.bids, first.asks) == (
            [["100.1", "1.5"], ["100.2", "0"], ["100.1", "3"]],
            [["100.75", "0.000000000000000001"]],
        )
    for moment in (AT, AT + timedelta(milliseconds=500), AT + timedelta(seconds=1)):
        rebuilt = book_at(instrument=Instrument.objects.using(alias).get(pk=a.pk), at=moment, using=alias)
        assert rebuilt.to_json() == _book(snapshot, rows, a.id, moment), moment
    if expected == PARTMAN:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM ONLY books_bookdelta_default")
            assert cursor.fetchone() == (0,), "every hour of the regrouped history has its partition"
            cursor.execute(
                "SELECT count(*) FROM partman.part_config WHERE parent_table LIKE %s", ["%.books_bookdelta"]
            )
            assert cursor.fetchone() == (1,)

    call_command("migrate", "books", "0004_trade_unique", database=alias, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT instrument_id, sequence, event, side, price, quantity FROM books_bookdelta ORDER BY id"
        )
        back = [(*r[:4], D(str(r[4])), D(str(r[5]))) for r in cursor.fetchall()]
    assert back == [(*r[1:5], r[5], r[6]) for r in sorted(rows, key=lambda r: (r[0], r[3]))]
    call_command("migrate", "books", database=alias, verbosity=0)
    assert BookDelta.objects.using(alias).count() == len(_grouped(rows))
