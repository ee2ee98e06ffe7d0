"""A trade is stored once per instrument and venue trade id (and time), however often it arrives:
say two connections of one stream both delivered it. A batch holding trades already stored, or
the same trade twice, keeps all its other rows; the repeats are counted as duplicates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from books.models import Trade
from tests.books.conftest import trade_row

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]
BASE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _trades(instrument_id: int, numbers) -> list[tuple]:
    return [trade_row(instrument_id, BASE + timedelta(milliseconds=n), n) for n in numbers]


def _stored(instrument) -> list[str]:
    return list(Trade.objects.filter(instrument=instrument).order_by("id").values_list("trade_id", flat=True))


def test_repeated_trades_are_skipped_and_the_rest_of_the_batch_stored(instrument, make_writer):
    writer = make_writer(batch_size=10_000).start()
    for row in _trades(instrument.id, range(1, 101)):
        writer.submit("trade", row)
    assert writer.flush(timeout=20), writer.stats()

    # One batch: 50 trades stored already, 50 new ones, and 10 of the new ones twice.
    again = _trades(instrument.id, range(51, 101))
    new = _trades(instrument.id, range(101, 151))
    mixed = [row for pair in zip(again, new, strict=True) for row in pair] + new[:10]
    for row in mixed:
        writer.submit("trade", row)
    assert writer.flush(timeout=20), writer.stats()

    assert _stored(instrument) == [f"t{n}" for n in range(1, 151)], "new trades lost or stored twice"
    stats = writer.stats()
    assert stats["written"] == 150 and stats["duplicate_rows"] == 60
    assert stats["submitted"] == stats["written"] + stats["duplicate_rows"]
    assert stats["refused"] == stats["refused_by_database"] == stats["dropped"] == 0


def test_the_same_id_at_another_time_or_on_another_instrument_is_another_trade(instrument, make_writer):
    from exchanges.models import Instrument

    other = Instrument.objects.create(
        exchange=instrument.exchange, symbol="OTHERUSDT", pair="OTHER-USDT", base="OTHER", quote="USDT"
    )
    writer = make_writer().start()
    first = trade_row(instrument.id, BASE, 1)
    writer.submit("trade", first)
    writer.submit("trade", (BASE + timedelta(seconds=1), *first[1:]))
    writer.submit("trade", (first[0], other.id, *first[2:]))
    assert writer.flush(timeout=20), writer.stats()
    assert Trade.objects.filter(trade_id="t1").count() == 3
    assert writer.stats()["duplicate_rows"] == 0


def test_the_database_itself_refuses_a_second_copy(instrument):
    """The rule is the database's, not only the writer's: any other path is held to it too."""
    fields = {"instrument": instrument, "trade_id": "x1", "time": BASE, "taker_side": "buy"}
    Trade.objects.create(price=Decimal("1"), quantity=Decimal("1"), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Trade.objects.create(price=Decimal("2"), quantity=Decimal("3"), **fields)
    assert Trade.objects.filter(trade_id="x1").count() == 1
