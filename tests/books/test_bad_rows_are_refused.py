"""Bad rows are refused with a clear error, counted, and cost nothing else of their batch."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from books.models import BookDelta, BookSnapshot, Trade
from books.storage.tables import BadRow, spelled_json
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
    quarantine = (tmp_path / "spill" / "ticks.refused.jsonl").read_text().splitlines()
    assert [json.loads(line)["table"] for line in quarantine] == ["snapshot"]


def test_unchecked_rows_are_checked_in_the_writer_thread(instrument, make_writer, tmp_path):
    """The recorder's hot path submits book changes with check=False; a bad one is still refused,
    counted and kept, whatever is wrong with it, and costs nothing else of its batch."""
    writer = make_writer(spill_dir=tmp_path / "spill").start()
    at = datetime.now(UTC) - timedelta(minutes=5)
    level = (Decimal("100"), Decimal("1"))
    good = (at, instrument.id, 1, 1, [level], [])
    bad = [
        (
            (at, instrument.id, 1, 2, [level], [(Decimal("101"), Decimal("-1"))]),
            "asks[0] quantity is negative",
        ),
        ((at, instrument.id, 1, 3, [(Decimal("NaN"), Decimal("1"))], []), "bids[0] price is not finite"),
        ((at, instrument.id, 1, 4, [], [(Decimal("Infinity"), Decimal("1"))]), "asks[0] price is not finite"),
        (
            (at, instrument.id, 1, 5, [(100.5, Decimal("1"))], []),
            "bids[0] price must be a Decimal, got float",
        ),
        ((at, instrument.id, 1, 6, [("100", "1")], []), "bids[0] price must be a Decimal, got str"),
        ((at, instrument.id, 1, 7, [(*level, Decimal(2))], []), "bids[0] must be a (price, quantity) pair"),
        ((at, instrument.id, 1, 8, [[level]], []), "bids[0] must be a (price, quantity) pair"),
        ((at, instrument.id, 1, 9, "100", []), "bids must be a list of (price, quantity)"),
        ((at, instrument.id, 1, 10, {level}, []), "bids must be a list of (price, quantity)"),
        ((at.replace(tzinfo=None), instrument.id, 1, 11, [level], []), "time must be a timezone-aware"),
        ((at, instrument.id, 1, 12, [level]), "row must be a tuple of 6 values"),
        # A venue's spelling already encoded (the recorder's Binance changes): bad around it, or not
        # a plain decimal string in it.
        ((at, 0, 1, 13, spelled_json(b'[["100","1"]]'), spelled_json(b"[]")), "instrument_id must be"),
        (
            (at, instrument.id, 1, 14, spelled_json(b'[["-1","1"]]'), spelled_json(b"[]")),
            "bids must be a list",
        ),
    ]
    for row, _reason in bad:
        assert writer.submit("delta", good, check=False)
        assert writer.submit("delta", row, check=False)
    # Unusual but exact: refused by the fast check, accepted by the full one, stored as it is.
    odd = (at, instrument.id, None, 99, [(Decimal("-0"), Decimal("0E-8"))], [])
    assert writer.submit("delta", odd, check=False)
    assert writer.flush(timeout=10)
    stored = list(BookDelta.objects.filter(instrument=instrument).order_by("id"))
    assert [(d.event, d.bids, d.asks) for d in stored] == [(1, [["100", "1"]], [])] * len(bad) + [
        (99, [["-0", "0E-8"]], [])
    ]
    assert writer.stats()["refused"] == len(bad)
    kept = [
        json.loads(line) for line in (tmp_path / "spill" / "ticks.refused.jsonl").read_text().splitlines()
    ]
    assert [k["table"] for k in kept] == ["delta"] * len(bad)
    for (_row, reason), k in zip(bad, kept, strict=True):
        assert k["error"].startswith("delta row refused: ") and reason in k["error"], k
    assert kept[0]["row"][4:] == [[["100", "1"]], [["101", "-1"]]], "the refused row is kept readable"
    assert kept[-2]["row"][4:] == [[["100", "1"]], []], "a spelled one too"
