"""Every way the writer can lose a row is a Prometheus counter: here, a full memory queue."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from prometheus_client import REGISTRY

from books.storage.tables import BadRow

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]


def _sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_full_queue_refuses_without_blocking_and_counts_it(instrument, make_writer):
    writer = make_writer(queue_size=5)  # not started: nothing drains the queue
    at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    row = (at, instrument.id, "q", Decimal("1"), Decimal("1"), "buy")
    dropped = _sample("marketagg_writer_rows_dropped_total", reason="queue_full")
    refused = _sample("marketagg_writer_rows_refused_total", table="trade", reason="invalid")
    assert all(writer.submit("trade", (at, instrument.id, f"q{n}", *row[3:])) for n in range(5))
    assert writer.submit("trade", row) is False
    with pytest.raises(BadRow):
        writer.submit("trade", row[:3] + (Decimal("-1"),) + row[4:])
    assert _sample("marketagg_writer_rows_dropped_total", reason="queue_full") == dropped + 1
    assert _sample("marketagg_writer_rows_refused_total", table="trade", reason="invalid") == refused + 1
    assert writer.stats()["dropped"] == 1 and writer.stats()["refused"] == 1

    writer.start()  # the five queued rows are not lost with the sixth
    assert writer.flush(timeout=10)
    assert writer.stats()["written"] == 5
