"""The recorder turns feed events into trade, delta and snapshot rows, stored with exact decimals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from books.models import BookDelta, BookSnapshot, Trade
from books.numbers import plain
from books.orderbook import VenueBook
from books.recorder import TickRecorder
from books.selectors import LevelChange, deltas_in_range, level_changes_in_range
from exchanges.types import InstrumentSpec, TradeEvent

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]
D = Decimal


@pytest.mark.parametrize("use_copy", [True, False], ids=["copy", "insert"])
def test_events_become_exact_rows(use_copy, instrument, spec, make_writer):
    writer = make_writer(use_copy=use_copy, insert_batch=3).start()
    recorder = TickRecorder(writer=writer, snapshot_interval=1.0)
    t0 = (datetime.now(UTC) - timedelta(minutes=3)).timestamp()
    book = VenueBook(venue="binance", symbol=instrument.symbol)
    bids, asks = (
        [(D("65000.1"), D("0.30000001"))],
        [(D("65000.2"), D("1.5")), (D("65001"), D("0.000000000000000001"))],
    )
    if connection.vendor == "sqlite":
        asks[1] = (D("65001"), D("0.00000001"))  # SQLite: 15 significant digits at most
    book.load_snapshot(bids=bids, asks=asks, sequence=10, at=t0)
    recorder.book_changed(spec, book, ts=t0, bids=bids, asks=asks, snapshot=True)
    change = [(D("65000.1"), D("0E-8"))], [(D("65000.15"), D("2")), (D("65000.2"), D("1.50"))]
    book.apply(bids=change[0], asks=change[1], sequence=11, at=t0 + 0.25)
    recorder.book_changed(spec, book, ts=t0 + 0.25, bids=change[0], asks=change[1], snapshot=False)
    # Levels are JSON text, exact on every backend (no NUMERIC or SQLite float limit): 36 digits.
    fine = [], [(D("65002.123456789012345678901"), D("0.000000000000000000001"))]
    book.apply(bids=fine[0], asks=fine[1], sequence=12, at=t0 + 0.5)
    recorder.book_changed(spec, book, ts=t0 + 0.5, bids=fine[0], asks=fine[1], snapshot=False)
    recorder.book_changed(spec, book, ts=t0 + 1.5, bids=[], asks=[], snapshot=False)  # interval: snapshot
    recorder.trade(
        spec,
        TradeEvent(
            venue="binance",
            symbol=instrument.symbol,
            ts=t0 + 0.5,
            trade_id="42",
            price=D("65000.12"),
            qty=D("0.1"),
            side="sell",
        ),
    )
    no_id = InstrumentSpec(venue="binance", symbol="NOIDUSDT")
    recorder.book_changed(no_id, book, ts=t0, bids=bids, asks=[], snapshot=False)
    assert writer.flush(timeout=10), writer.stats()

    trade = Trade.objects.get(instrument=instrument)
    assert (trade.trade_id, trade.price, trade.quantity, trade.taker_side) == (
        "42",
        D("65000.12"),
        D("0.1"),
        "sell",
    )
    assert trade.time == datetime.fromtimestamp(t0 + 0.5, UTC)
    # One row per change (none for the change without levels), its levels in the venue's order.
    deltas = list(BookDelta.objects.filter(instrument=instrument).order_by("time", "event", "id"))
    assert [(d.time, d.sequence, d.bids, d.asks) for d in deltas] == [
        (
            datetime.fromtimestamp(t0 + 0.25, UTC),
            11,
            [["65000.1", "0E-8"]],
            [["65000.15", "2"], ["65000.2", "1.50"]],
        ),
        (
            datetime.fromtimestamp(t0 + 0.5, UTC),
            12,
            [],
            [["65002.123456789012345678901", "1E-21"]],
        ),
    ]
    assert deltas[0].levels() == [("b", *change[0][0]), ("a", *change[1][0]), ("a", *change[1][1])]
    assert deltas[1].levels() == [("a", *fine[1][0])]
    assert deltas[0].event < deltas[1].event
    # The per-level view of the same rows, and the range bounds [start, end).
    start, end = datetime.fromtimestamp(t0, UTC), datetime.fromtimestamp(t0 + 0.5, UTC)
    assert list(deltas_in_range(instrument=instrument, start=start, end=end)) == deltas[:1]
    assert list(level_changes_in_range(instrument=instrument, start=start, end=end + timedelta(1))) == [
        LevelChange(d.time, d.event, d.sequence, side, price, qty)
        for d in deltas
        for side, price, qty in d.levels()
    ]
    snaps = list(BookSnapshot.objects.filter(instrument=instrument).order_by("time", "event"))
    assert len(snaps) == 2, "one at the sync, one when the interval had passed"
    assert snaps[0].bids == [["65000.1", "0.30000001"]]
    assert snaps[0].asks == [["65000.2", "1.5"], ["65001", plain(asks[1][1])]]
    assert (snaps[0].best_bid, snaps[0].best_ask, snaps[0].mid, snaps[0].spread) == (
        D("65000.1"),
        D("65000.2"),
        D("65000.15"),
        D("0.1"),
    )
    assert snaps[1].bids == [] and snaps[1].asks[0] == ["65000.15", "2"] and snaps[1].best_bid is None
    assert ["65002.123456789012345678901", "0.000000000000000000001"] in snaps[1].asks
    assert snaps[1].event > deltas[-1].event
    assert recorder.skipped_no_id == 1
