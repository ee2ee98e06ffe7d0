"""Book changes spilled while the database was away are stored exactly by the next writer, a
Binance change in the venue's own spelling as it would have been without the outage, and a spill
file written before books.0005 (one level a row) still loads, each level as a change."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from books.models import BookDelta
from books.orderbook import VenueBook
from books.recorder import TickRecorder
from exchanges.connectors.levels import parse_pairs
from tests.books.conftest import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal
BIDS = [["64999.99000000", "0.00000010"], ["64999.50000000", "0.00000000"]]
ASKS = [["65000.01000000", "12.50000000"]]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_spilled_changes_and_old_level_rows_are_stored_exactly(
    instrument, make_writer, postgres_dsn, tmp_path
):
    spill_dir = tmp_path / "spill"
    base = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    changes = [
        (
            base + timedelta(milliseconds=i),
            instrument.id,
            1000 + i,
            i,
            [(D("65000.1") + i, D("0.30000001")), (D("64999"), D("0E-8"))],
            [(D("65002.123456789012345678901"), D("1E-21"))] if i % 2 else [],
        )
        for i in range(1, 301)
    ]
    first = make_writer(spill_dir=spill_dir, dsn=postgres_dsn(_closed_port()), batch_size=64).start()
    for row in changes:
        assert first.submit("delta", row, check=False)
    wait_for(lambda: first.stats()["spilled"] == len(changes))
    assert first.stop(timeout=0.5) is False
    spill = spill_dir / "ticks.spill"
    record = json.loads(spill.read_bytes().splitlines()[0])
    assert record["t"] == "delta" and record["r"][0][4:] == [
        [["65001.1", "0.30000001"], ["64999", "0E-8"]],
        [["65002.123456789012345678901", "1E-21"]],
    ], "levels are JSON arrays in the file, spelled as stored"
    # A record left by a writer of before books.0005: (time µs, instrument, sequence, event, side, price, qty).
    us = int((base + timedelta(seconds=5)).timestamp() * 1_000_000)
    old = [[us, instrument.id, 9, 77, "b", "100.5", "1"], [us, instrument.id, 9, 77, "a", "101", "0"]]
    with open(spill, "ab") as fh:
        fh.write(json.dumps({"b": "old" * 8, "t": "delta", "n": 2, "r": old}, separators=(",", ":")).encode())
        fh.write(b"\n")

    second = make_writer(spill_dir=spill_dir).start()
    assert second.flush(timeout=30), second.stats()
    assert (second.stats()["refused"], second.stats()["spill_corrupt"]) == (0, 0)
    stored = list(BookDelta.objects.filter(instrument=instrument).order_by("id"))
    assert [(d.time, d.sequence, d.event, d.levels()) for d in stored] == [
        *[(r[0], r[2], r[3], [("b", *lv) for lv in r[4]] + [("a", *lv) for lv in r[5]]) for r in changes],
        (base + timedelta(seconds=5), 9, 77, [("b", D("100.5"), D("1"))]),
        (base + timedelta(seconds=5), 9, 77, [("a", D("101"), D("0"))]),
    ]
    assert not spill.exists()


def test_the_spelling_survives_a_spill_while_the_database_is_away(
    instrument, spec, make_writer, postgres_dsn, tmp_path
):
    spill_dir = tmp_path / "spill"
    away = make_writer(spill_dir=spill_dir, dsn=postgres_dsn(_closed_port()), batch_size=8).start()
    recorder = TickRecorder(writer=away, snapshot_interval=3600.0)
    t0 = (datetime.now(UTC) - timedelta(minutes=2)).timestamp()
    book = VenueBook(venue="binance", symbol=instrument.symbol)
    book.load_snapshot(bids=[(Decimal("64999.5"), Decimal("1"))], asks=[], sequence=1, at=t0)
    bids, asks = parse_pairs([list(x) for x in BIDS]), parse_pairs([list(x) for x in ASKS])
    book.apply(bids=bids, asks=asks, sequence=2, at=t0 + 0.1)
    recorder.book_changed(spec, book, ts=t0 + 0.1, bids=bids, asks=asks, snapshot=False)
    wait_for(lambda: away.stats()["spilled"] == 2)  # the change and the instrument's first snapshot
    assert away.stop(timeout=0.5) is False

    back = make_writer(spill_dir=spill_dir).start()
    assert back.flush(timeout=30), back.stats()
    (delta,) = BookDelta.objects.filter(instrument=instrument)
    assert (delta.bids, delta.asks) == (BIDS, ASKS)  # "0.00000010", not "1.0E-7"
