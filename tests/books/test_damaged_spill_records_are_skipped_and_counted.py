"""A spill file with damaged records anywhere in it (a torn batch with the next one appended to
its line, as a full disk used to leave it; a line of garbage; a torn tail from a crash) is read
past them after a restart: every whole batch is stored, in order, and each damaged one is counted
with its rows and the reason, never blocking what follows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from books.models import Trade
from tests.books.conftest import trade_row

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]
BASE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _record(name: str, rows: list[tuple], *, count: bool = True) -> bytes:
    """A spill line written here, independently of the writer: times in microseconds, decimals
    as text (the format books/storage/spill.py documents)."""
    encoded = [
        [(t - EPOCH) // timedelta(microseconds=1), i, tid, str(p), str(q), s] for t, i, tid, p, q, s in rows
    ]
    head = {"b": name, "t": "trade", "n": len(rows)} if count else {"b": name, "t": "trade"}
    return json.dumps({**head, "r": encoded}, separators=(",", ":")).encode() + b"\n"


def test_a_restart_reads_past_every_damaged_record(instrument, make_writer, tmp_path):
    def rows(first: int, n: int) -> list[tuple]:
        return [trade_row(instrument.id, BASE + timedelta(seconds=k), k) for k in range(first, first + n)]

    a, b, c, d, e, f = rows(1, 30), rows(31, 40), rows(71, 50), rows(121, 20), rows(141, 10), rows(151, 25)
    torn_b = _record("b" * 32, b)[:700]  # cut inside its rows; batch c was appended to its line
    old_style = _record("d" * 32, d, count=False)  # no row count in the header (older files)
    spill_dir = tmp_path / "spill"
    spill_dir.mkdir()
    (spill_dir / "ticks.spill").write_bytes(
        _record("a" * 32, a)
        + torn_b
        + _record("c" * 32, c)
        + b"\x00\x00 not json at all\n"
        + old_style
        + _record("e" * 32, e)
        + _record("f" * 32, f)[:300]  # a crash in the middle of the last append
    )

    writer = make_writer(spill_dir=spill_dir).start()
    assert writer.flush(timeout=60), writer.stats()
    stored = list(
        Trade.objects.filter(instrument=instrument).order_by("id").values_list("trade_id", flat=True)
    )
    assert stored == [r[2] for r in a + c + d + e]
    stats = writer.stats()
    assert stats["spill_corrupt"] == 3, stats
    assert stats["dropped_spill_corrupt"] == len(b) + len(f) == stats["dropped"], stats
    assert "rows lost" in stats["last_error"]
    assert not (spill_dir / "ticks.spill").exists(), "a caught-up spill file is removed"

    # The writer keeps working after it: new rows are stored at once.
    writer.submit("trade", trade_row(instrument.id, BASE + timedelta(hours=1), 999))
    assert writer.flush(timeout=10), writer.stats()
    assert Trade.objects.filter(instrument=instrument, trade_id="t999").exists()


def test_a_record_whose_every_row_is_unreadable_is_refused_and_passed(instrument, make_writer, tmp_path):
    """Whole as a record, but no row in it can be read back: each row is refused (kept in the
    refused file), the record is done with, and the ones after it are stored."""
    good = [trade_row(instrument.id, BASE + timedelta(seconds=k), k) for k in range(1, 4)]
    us = (BASE - EPOCH) // timedelta(microseconds=1)
    unreadable = [[us, instrument.id, 9, 1, "x", "1", "1"], [us, instrument.id, 9, 2, "b", "one", "1"]]
    spill_dir = tmp_path / "spill"
    spill_dir.mkdir()
    (spill_dir / "ticks.spill").write_bytes(
        json.dumps({"b": "u" * 32, "t": "delta", "n": 2, "r": unreadable}, separators=(",", ":")).encode()
        + b"\n"
        + _record("g" * 32, good)
    )
    writer = make_writer(spill_dir=spill_dir).start()
    assert writer.flush(timeout=30), writer.stats()
    assert [r[2] for r in good] == list(
        Trade.objects.filter(instrument=instrument).order_by("id").values_list("trade_id", flat=True)
    )
    refused = (spill_dir / "ticks.refused.jsonl").read_text().splitlines()
    assert len(refused) == 2 and all("unreadable in the spill file" in line for line in refused), refused
    assert writer.counts["step_errors"] == 0, writer.stats()
