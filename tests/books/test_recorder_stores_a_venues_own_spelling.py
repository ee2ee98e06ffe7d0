"""A Binance change is stored in the venue's own spelling of each number, and reads back exactly.

The connector keeps the decimal strings it checked (books.numbers.SpelledLevels); the recorder
stores that text instead of writing each Decimal back out. "0.00000010" stays "0.00000010" (str()
of its Decimal would be "1.0E-7"), and every stored level is the same number the book applied.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec
import pytest

from books.models import BookDelta
from books.numbers import SpelledLevels
from books.orderbook import VenueBook
from books.recorder import TickRecorder
from exchanges.connectors.levels import parse_pairs

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]

BIDS = [["64999.99000000", "0.00000010"], ["64999.50000000", "0.00000000"]]
ASKS = [["65000.01000000", "12.50000000"]]


def test_parsed_levels_keep_the_venue_text():
    bids = parse_pairs([list(level) for level in BIDS])
    assert type(bids) is SpelledLevels
    assert msgspec.json.decode(bids.spelled) == BIDS
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
