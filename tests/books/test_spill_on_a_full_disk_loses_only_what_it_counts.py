"""The database is down and the spill file's disk fills up in the middle of a batch.

The batch that did not fit is lost and counted as lost; nothing of it stays in the file to block
the batches spilled after the disk has room again, or to be written later behind the counters'
back. Once the database is back, everything counted as spilled and not lost is stored, once.
Both sizes of batch: a line longer than a write buffer (a normal 5,000-row batch) and one that
fits in it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from books.models import Trade
from tests.books.conftest import trade_row, wait_for
from tests.books.fulldisk import FullDisk
from tests.books.tcpproxy import TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BASE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def proxy():
    s = connection.settings_dict
    p = TcpProxy(target_host=s["HOST"] or "127.0.0.1", target_port=int(s["PORT"] or 5432))
    yield p
    p.close()


def _batch(writer, instrument, first: int, count: int) -> list[str]:
    ids = []
    for n in range(first, first + count):
        writer.submit("trade", trade_row(instrument.id, BASE + timedelta(milliseconds=n), n))
        ids.append(f"t{n}")
    return ids


@pytest.mark.parametrize("batch", [5000, 40], ids=["line-longer-than-a-buffer", "line-inside-a-buffer"])
def test_a_full_disk_mid_batch_loses_that_batch_only(
    batch, instrument, make_writer, postgres_dsn, proxy, tmp_path, monkeypatch
):
    spill_dir = tmp_path / "spill"
    disk = FullDisk(monkeypatch, spill_dir / "ticks.spill")
    proxy.cut()
    # Once idle, the writer takes rows only when a whole batch is queued (no timed wake-up), and
    # the first batch is queued before it starts: one batch, one line.
    writer = make_writer(
        spill_dir=spill_dir,
        dsn=postgres_dsn(proxy.port),
        batch_size=batch,
        flush_interval=60,
        retry_interval=2,
    )
    kept = _batch(writer, instrument, 1, batch)
    writer.start()
    wait_for(lambda: writer.stats()["spilled"] == batch, timeout=60)

    disk.fill(room=300)  # the next batch stops in the middle of its line
    _batch(writer, instrument, batch + 1, batch)
    wait_for(lambda: writer.stats()["dropped"] == batch, timeout=60)
    _batch(writer, instrument, 2 * batch + 1, batch)  # the disk is still full
    wait_for(lambda: writer.stats()["dropped"] == 2 * batch, timeout=60)
    assert disk.partial >= 1 and disk.refused >= 1, "the disk never filled: the test proves nothing"

    disk.free()
    kept += _batch(writer, instrument, 3 * batch + 1, batch)
    wait_for(lambda: writer.stats()["spilled"] == 2 * batch, timeout=60)
    lines = (spill_dir / "ticks.spill").read_bytes().splitlines()
    assert [len(json.loads(line)["r"]) for line in lines] == [batch, batch], "a torn record stayed"

    proxy.restore()
    assert writer.flush(timeout=60), writer.stats()
    stored = list(
        Trade.objects.filter(instrument=instrument).order_by("id").values_list("trade_id", flat=True)
    )
    assert stored == kept
    stats = writer.stats()
    assert stats["written"] == 2 * batch
    assert stats["dropped"] == stats["dropped_spill_failed"] == 2 * batch
    assert stats["dropped_spill_corrupt"] == 0 and stats["spill_corrupt"] == 0
    assert stats["submitted"] == stats["written"] + stats["dropped"]
    assert not (spill_dir / "ticks.spill").exists()


def test_a_full_disk_with_the_database_up_loses_nothing(instrument, make_writer, tmp_path, monkeypatch):
    """Rows that must wait behind a spill file the disk cannot grow go to the database out of turn."""
    spill_dir = tmp_path / "spill"
    writer = make_writer(spill_dir=spill_dir, batch_size=100)
    spill = spill_dir / "ticks.spill"
    spill_dir.mkdir(parents=True)
    # A spill file left by a run whose database was away: 100 rows waiting.
    older = [trade_row(instrument.id, BASE + timedelta(seconds=n), n) for n in range(1, 101)]
    from books.storage.tables import TRADE, encode_row

    record = {"b": "a" * 32, "t": "trade", "n": 100, "r": [encode_row(TRADE, r) for r in older]}
    spill.write_text(json.dumps(record, separators=(",", ":")) + "\n")
    disk = FullDisk(monkeypatch, spill)
    disk.fill(room=0)
    # Queued before the start: the first batch meets the waiting spill file, which cannot grow.
    for n in range(101, 1101):
        writer.submit("trade", trade_row(instrument.id, BASE + timedelta(seconds=n), n))
    writer.start()
    assert writer.flush(timeout=60), writer.stats()
    assert disk.refused >= 1, "the disk never refused a write: the test proves nothing"
    stored = set(Trade.objects.filter(instrument=instrument).values_list("trade_id", flat=True))
    assert stored == {f"t{n}" for n in range(1, 1101)}
    assert writer.stats()["dropped"] == 0 and writer.stats()["written"] == 1100
