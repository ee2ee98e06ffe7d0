"""A Binance change is stored in the venue's own spelling of each number, and reads back exactly.

The connector keeps the decimal strings it checked (books.numbers.SpelledLevels); the recorder
stores that text instead of writing each Decimal back out. "0.00000010" stays "0.00000010" (str()
of its Decimal would be "1.0E-7"), also through the spill file while the database is away, and
every stored level is the same number the book applied.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from books.models import BookDelta
from books.numbers import SpelledLevels
from books.orderbook import VenueBook
from books.recorder import TickRecorder
from exchanges.connectors.levels import parse_pairs
from tests.books.conftest import wait_for

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]

BIDS = [["64999.99000000", "0.00000010"], ["64999.50000000", "0.00000000"]]
ASKS = [["65000.01000000", "12.50000000"]]


def test_parsed_levels_keep_the_venue_text():
    bids = parse_pairs([list(level) for level in BIDS])
    assert type(bids) is SpelledLevels
    assert bids.spelled == BIDS
    assert list(bids) == [(Decimal(p), Decimal(q)) for p, q in BIDS]


@pytest.mark.parametrize("use_copy", [True, False], ids=["copy", "insert"])
def test_a_change_is_stored_as_the_venue_spelled_it(use_copy, instrument, spec, make_writer):
    writer = make_writer(use_copy=use_copy).start()
    recorder = TickRecorder(writer=writer, snapshot_interval=3600.0)
    t0 = (datetime.now(UTC) - timedelta(minutes=2)).timestamp()
    book = VenueBook(venue="binance", symbol=instrument.symbol)
    book.load_snapshot(bids=[(Decimal("64999.5"), Decimal("1"))], asks=[], sequence=1, at=t0)
    recorder.book_changed(spec, book, ts=t0, bids=[], asks=[], snapshot=True)
    bids, asks = parse_pairs([list(x) for x in BIDS]), parse_pairs([list(x) for x in ASKS])
    book.apply(bids=bids, asks=asks, sequence=2, at=t0 + 0.1)
    recorder.book_changed(spec, book, ts=t0 + 0.1, bids=bids, asks=asks, snapshot=False)
    assert writer.flush(timeout=10), writer.stats()

    (delta,) = BookDelta.objects.filter(instrument=instrument)
    assert (delta.sequence, delta.bids, delta.asks) == (2, BIDS, ASKS)
    applied = [("b", p, q) for p, q in bids] + [("a", p, q) for p, q in asks]
    assert delta.levels() == applied
    assert book.bids.levels == {Decimal("64999.99"): Decimal("1E-7")}  # 64999.5 deleted by "0.00000000"


@pytest.mark.postgres
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


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
