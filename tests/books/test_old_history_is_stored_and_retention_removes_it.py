"""History older than the premade partitions or the retention window is stored on insert; only
maintenance removes data past retention (whole partitions on pg_partman, rows elsewhere)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from books.models import Trade
from books.storage import partman
from books.storage.backend import PARTMAN, storage_backend
from books.storage.services import storage_maintain

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]


def _partition_names() -> set[str]:
    with connection.cursor() as cursor:
        return {name for name, _bound in partman.partitions(cursor, "books_trade")}


def test_old_and_future_rows_are_stored_then_retention_drops_the_old(instrument, make_writer, settings):
    settings.MARKETAGG = {**settings.MARKETAGG, "RETENTION_DAYS": 30}
    now = datetime.now(UTC)
    ages = {
        "ancient": timedelta(days=60),
        "old": timedelta(days=3),
        "recent": timedelta(minutes=5),
        "future": -timedelta(days=2),
    }
    writer = make_writer().start()
    for i, (label, age) in enumerate(ages.items()):
        writer.submit("trade", (now - age, instrument.id, label, Decimal(100 + i), Decimal("0.5"), "buy"))
    assert writer.flush(timeout=10), writer.stats()
    assert set(Trade.objects.values_list("trade_id", flat=True)) == set(ages)

    partitioned = storage_backend(connection) == PARTMAN
    if partitioned:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM ONLY books_trade_default")
            assert cursor.fetchone()[0] == 0, "every row found a partition of its own hour"
        ancient_hour = (now - ages["ancient"]).strftime("books_trade_p%Y_%m_%d_%H00")
        assert ancient_hour in _partition_names()

    result = storage_maintain()
    assert set(Trade.objects.values_list("trade_id", flat=True)) == {"old", "recent", "future"}
    if partitioned:
        assert ancient_hour not in _partition_names(), "retention drops the whole partition"
    else:
        assert result["deleted"]["books_trade"] == 1
