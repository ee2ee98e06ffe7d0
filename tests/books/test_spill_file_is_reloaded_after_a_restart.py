"""Rows spilled while the database was away are stored by the next writer process, once, in order."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest

from books.models import Trade
from tests.books.conftest import trade_row, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_new_writer_loads_what_the_last_one_spilled(instrument, make_writer, postgres_dsn, tmp_path):
    spill_dir = tmp_path / "spill"
    base = datetime.now(UTC) - timedelta(minutes=10)
    rows = [trade_row(instrument.id, base + timedelta(milliseconds=i), i) for i in range(1, 2501)]

    first = make_writer(spill_dir=spill_dir, dsn=postgres_dsn(_closed_port()), batch_size=300).start()
    for row in rows:
        first.submit("trade", row)
    wait_for(lambda: first.stats()["spilled"] == len(rows))
    assert first.stop(timeout=0.5) is False, "rows must stay in the spill file, not vanish"
    spill = spill_dir / "ticks.spill"
    assert spill.exists() and spill.stat().st_size > 0
    with open(spill, "ab") as fh:  # a crash in the middle of appending a batch
        fh.write(b'{"b":"half","t":"trade","r":[[1,')
    assert Trade.objects.count() == 0

    second = make_writer(spill_dir=spill_dir).start()
    assert second.flush(timeout=20), second.stats()
    stored = list(Trade.objects.order_by("id").values_list("trade_id", flat=True))
    assert stored == [r[2] for r in rows]
    assert second.stats()["spill_corrupt"] == 1
    assert not spill.exists(), "a caught-up spill file is removed"
