"""`book_at` refuses a time in the future (it used to print the current book as if it were known
then), and every answer says the time of the data it comes from: the last stored change at or
before the time asked, with a plain note when nothing was stored for a while before it."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from books.orderbook import VenueBook
from books.recorder import TickRecorder

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


def book_at(*args) -> tuple[dict, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("book_at", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def z(t: datetime) -> str:
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.fixture
def stored(instrument, spec, make_writer):
    """A snapshot at t0 and one change a second later, stored through the real recorder."""
    writer = make_writer().start()
    recorder = TickRecorder(writer=writer, snapshot_interval=1.0)
    t0 = (datetime.now(UTC) - timedelta(minutes=30)).replace(microsecond=0)
    book = VenueBook(venue="binance", symbol=instrument.symbol)
    bids, asks = [(D("100"), D("1"))], [(D("101"), D("2"))]
    book.load_snapshot(bids=bids, asks=asks, sequence=1, at=t0.timestamp())
    recorder.book_changed(spec, book, ts=t0.timestamp(), bids=bids, asks=asks, snapshot=True)
    t1 = t0 + timedelta(seconds=1)
    book.apply(bids=[(D("100.5"), D("3"))], sequence=2, at=t1.timestamp())
    recorder.book_changed(spec, book, ts=t1.timestamp(), bids=[(D("100.5"), D("3"))], asks=[], snapshot=False)
    assert writer.flush(timeout=10)
    return instrument, t0, t1


def test_a_time_in_the_future_is_refused(stored):
    instrument, _, _ = stored
    future = datetime.now(UTC) + timedelta(hours=1)

    with pytest.raises(CommandError, match=r"is in the future \(now .*\): no book is known for it"):
        book_at("binance", instrument.symbol, future.isoformat())


def test_each_answer_gives_the_time_of_its_data(stored):
    instrument, t0, t1 = stored
    key = f"binance:{instrument.symbol}"

    book, note = book_at("binance", instrument.symbol, z(t0 + timedelta(milliseconds=500)))
    assert book == {key: {"bids": [["100", "1"]], "asks": [["101", "2"]]}}
    assert (
        note.strip()
        == f"{key} as of {z(t0)}: the last stored change at or before {z(t0 + timedelta(milliseconds=500))}"
    )

    book, note = book_at("binance", instrument.symbol, z(t1))
    assert book[key]["bids"] == [["100.5", "3"], ["100", "1"]]
    assert f"{key} as of {z(t1)}:" in note
    assert "nothing was stored" not in note

    later = t1 + timedelta(minutes=10)
    book, note = book_at("binance", instrument.symbol, z(later))
    assert book[key]["bids"] == [["100.5", "3"], ["100", "1"]]
    assert f"{key} as of {z(t1)}: the last stored change at or before {z(later)}" in note
    assert "nothing was stored in the 600 s before the time asked" in note
