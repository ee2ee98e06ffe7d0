"""`book_at` prints a stored book in the books-file format; `storage_info` describes the storage."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from books.orderbook import VenueBook
from books.recorder import TickRecorder
from books.storage.backend import storage_backend

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]
D = Decimal


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_book_at_prints_the_book_of_that_moment(instrument, spec, make_writer):
    writer = make_writer().start()
    recorder = TickRecorder(writer=writer, snapshot_interval=1.0)
    t0 = (datetime.now(UTC) - timedelta(minutes=20)).replace(microsecond=0)
    book = VenueBook(venue="binance", symbol=instrument.symbol)
    bids, asks = [(D("65000.5"), D("1.25")), (D("64999"), D("3"))], [(D("65001"), D("0.001"))]
    book.load_snapshot(bids=bids, asks=asks, sequence=1, at=t0.timestamp())
    recorder.book_changed(spec, book, ts=t0.timestamp(), bids=bids, asks=asks, snapshot=True)
    later = t0 + timedelta(seconds=0.5)
    book.apply(
        bids=[(D("65000.5"), D("0"))], asks=[(D("65000.9"), D("2.50"))], sequence=2, at=later.timestamp()
    )
    recorder.book_changed(
        spec,
        book,
        ts=later.timestamp(),
        bids=[(D("65000.5"), D("0"))],
        asks=[(D("65000.9"), D("2.50"))],
        snapshot=False,
    )
    assert writer.flush(timeout=10)

    before = json.loads(_run("book_at", "binance", instrument.symbol, t0.isoformat()))
    assert before == {
        f"binance:{instrument.symbol}": {
            "bids": [["65000.5", "1.25"], ["64999", "3"]],
            "asks": [["65001", "0.001"]],
        }
    }
    after = json.loads(
        _run("book_at", "binance", instrument.symbol, later.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "--depth", "1")
    )
    assert after == {f"binance:{instrument.symbol}": {"bids": [["64999", "3"]], "asks": [["65000.9", "2.5"]]}}

    with pytest.raises(CommandError, match="no stored snapshot"):
        _run("book_at", "binance", instrument.symbol, (t0 - timedelta(hours=1)).isoformat())
    with pytest.raises(CommandError, match="unknown instrument binance:NOPE"):
        _run("book_at", "binance", "NOPE", t0.isoformat())
    with pytest.raises(CommandError, match="not an ISO 8601 time"):
        _run("book_at", "binance", instrument.symbol, "yesterday")


def test_storage_info_shows_backend_partitions_and_rows(instrument, make_writer):
    writer = make_writer().start()
    at = datetime.now(UTC) - timedelta(minutes=1)
    for i in range(3):
        writer.submit("trade", (at, instrument.id, f"s{i}", D("1"), D("1"), "buy"))
    assert writer.flush(timeout=10)
    text = _run("storage_info")
    backend = storage_backend(connection)
    assert f"backend: {backend}" in text
    assert "books_trade: 3 rows" in text and "books_bookdelta: 0 rows" in text
    if backend == "partman":
        assert "partitions:" in text and "retention 30 days" in text
    facts = json.loads(_run("storage_info", "--json"))
    assert facts["backend"] == backend and facts["tables"]["books_trade"]["rows"] == 3
