"""Bad rows are refused with a clear error, counted, and cost nothing else of their batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from books.models import BookDelta, BookSnapshot, Trade
from books.storage.tables import BadRow
from tests.books.conftest import trade_row

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]


def test_invalid_rows_are_refused_at_submit_and_the_rest_stored(instrument, make_writer):
    writer = make_writer().start()
    at = datetime.now(UTC) - timedelta(minutes=5)
    good = [trade_row(instrument.id, at + timedelta(seconds=i), i) for i in range(10)]
    bad = [
        ((at, instrument.id, "neg", Decimal("100"), Decimal("-1"), "buy"), "quantity is negative"),
        (
            (None, instrument.id, "notime", Decimal("100"), Decimal("1"), "buy"),
            "time must be a timezone-aware",
        ),
        (
            (at, instrument.id, "tiny", Decimal("1e-19"), Decimal("1"), "buy"),
            "price has more than 18 decimals",
        ),
        ((at, instrument.id, "nan", Decimal("NaN"), Decimal("1"), "buy"), "price is not finite"),
        ((at, instrument.id, "side", Decimal("1"), Decimal("1"), "up"), "taker_side must be 'buy' or 'sell'"),
        ((at, instrument.id, "short"), "row must be a tuple of 6 values"),
    ]
    for i, row in enumerate(good):
        writer.submit("trade", row)
        if i < len(bad):
            with pytest.raises(BadRow) as refused:
                writer.submit("trade", bad[i][0])
            assert bad[i][1] in str(refused.value), str(refused.value)
            assert str(refused.value).startswith("trade row refused:")
    assert writer.flush(timeout=10)
    stored = sorted(Trade.objects.filter(instrument=instrument).values_list("trade_id", flat=True))
    assert stored == sorted(r[2] for r in good)
    assert writer.stats()["refused"] == len(bad)


def test_a_row_the_database_cannot_take_is_quarantined_and_its_batch_kept(instrument, make_writer, tmp_path):
    writer = make_writer(spill_dir=tmp_path / "spill").start()
    at = datetime.now(UTC) - timedelta(minutes=5)
    levels = [(Decimal("100"), Decimal("1"))]
    fine = (at, instrument.id, 7, 1, 1000, levels, levels, None, None, None, None, None, None)
    broken = (
        at,
        instrument.id,
        8,
        2,
        1000,
        [("100",)],
        levels,
        None,
        None,
        None,
        None,
        None,
        None,
    )  # a level without qty
    for row in (fine, broken, fine):
        writer.submit("snapshot", row)
    assert writer.flush(timeout=10)
    assert BookSnapshot.objects.filter(instrument=instrument).count() == 2
    assert writer.stats()["refused_by_database"] == 1
    quarantine = (tmp_path / "spill" / "ticks.refused.jsonl").read_text()
    assert '"table": "snapshot"' in quarantine and quarantine.count("\n") == 1


def test_unchecked_rows_are_checked_in_the_writer_thread(instrument, make_writer, tmp_path):
    """The recorder's hot path submits deltas with check=False; a bad one is still refused."""
    writer = make_writer(spill_dir=tmp_path / "spill").start()
    at = datetime.now(UTC) - timedelta(minutes=5)
    good = (at, instrument.id, 1, 1, "b", Decimal("100"), Decimal("1"))
    bad = (at, instrument.id, 1, 1, "x", Decimal("100"), Decimal("-1"))
    for row in (good, bad, good):
        assert writer.submit("delta", row, check=False)
    assert writer.flush(timeout=10)
    assert BookDelta.objects.filter(instrument=instrument).count() == 2
    assert writer.stats()["refused"] == 1
    assert "delta row refused: side must be 'b' or 'a'" in writer.stats()["last_refused"]
    refused = (tmp_path / "spill" / "ticks.refused.jsonl").read_text()
    assert "side must be 'b' or 'a'" in refused and refused.count("\n") == 1
