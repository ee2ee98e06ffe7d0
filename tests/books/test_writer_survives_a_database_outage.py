"""The writer loses and duplicates nothing when the database link drops and comes back.

A proxy between the writer and PostgreSQL is cut while rows keep coming (mid-batch included); the
writer spills to its file and, once the proxy is restored, catches up in order.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from books.models import Trade
from tests.books.conftest import trade_row, wait_for
from tests.books.tcpproxy import TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proxy():
    s = connection.settings_dict
    p = TcpProxy(target_host=s["HOST"] or "127.0.0.1", target_port=int(s["PORT"] or 5432))
    yield p
    p.close()


def test_outage_loses_and_duplicates_nothing(instrument, make_writer, postgres_dsn, proxy):
    writer = make_writer(dsn=postgres_dsn(proxy.port), batch_size=200).start()
    base = datetime.now(UTC) - timedelta(minutes=30)
    n = 0

    def send(count: int) -> None:
        nonlocal n
        for _ in range(count):
            n += 1
            writer.submit("trade", trade_row(instrument.id, base + timedelta(milliseconds=n), n))

    send(1000)
    assert writer.flush(timeout=10)

    # Cut while a steady stream is being written, so batches die mid-COPY and mid-commit.
    stop = threading.Event()
    cutter = threading.Thread(target=lambda: (time.sleep(0.05), proxy.cut(), stop.set()))
    cutter.start()
    while not stop.is_set():
        send(50)
        time.sleep(0.001)
    cutter.join()
    send(1000)
    wait_for(lambda: writer.stats()["spilling"])
    assert not writer.flush(timeout=0.5), "nothing can be flushed while the database is cut off"

    proxy.restore()
    send(1000)
    assert writer.flush(timeout=30), writer.stats()

    stored = list(
        Trade.objects.filter(instrument=instrument).order_by("id").values_list("trade_id", flat=True)
    )
    assert len(stored) == n, f"{n - len(stored)} rows missing" if len(stored) < n else "duplicates stored"
    assert stored == [f"t{i}" for i in range(1, n + 1)], "rows out of order"
    stats = writer.stats()
    assert stats["spilled"] > 0 and stats["db_errors"] > 0
    assert stats["dropped"] == 0 and stats["refused"] == 0
