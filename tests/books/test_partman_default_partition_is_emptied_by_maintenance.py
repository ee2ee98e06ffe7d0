"""pg_partman: rows that reached the default partition (written around the writer, for an hour
with no partition) do not block the writer, and maintenance moves them into hourly partitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from books.models import Trade
from books.storage.backend import PARTMAN, storage_backend
from books.storage.services import storage_maintain

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_default() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ONLY books_trade_default")
        return cursor.fetchone()[0]


def test_default_partition_rows_are_moved_and_do_not_block_the_writer(instrument, make_writer):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")
    if storage_backend(connection) != PARTMAN:
        pytest.fail(
            "the test database should be partitioned by pg_partman (is postgresql-15-partman installed?)"
        )
    hour = (datetime.now(UTC) - timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    Trade.objects.create(
        time=hour + timedelta(minutes=1),
        instrument=instrument,
        trade_id="orm",
        price=Decimal("1"),
        quantity=Decimal("1"),
        taker_side="buy",
    )
    assert _in_default() == 1
    writer = make_writer().start()
    writer.submit(
        "trade", (hour + timedelta(minutes=2), instrument.id, "writer", Decimal("2"), Decimal("1"), "sell")
    )
    assert writer.flush(timeout=10), writer.stats()
    assert writer.stats()["spilled"] == 0
    assert _in_default() == 2

    storage_maintain()
    assert _in_default() == 0
    assert set(
        Trade.objects.filter(time__gte=hour, time__lt=hour + timedelta(hours=1)).values_list(
            "trade_id", flat=True
        )
    ) == {"orm", "writer"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM " + hour.strftime("books_trade_p%Y_%m_%d_%H00"))
        assert cursor.fetchone()[0] == 2
