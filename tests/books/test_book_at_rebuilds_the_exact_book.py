"""book_at rebuilds the exact venue book at any moment from stored snapshots and deltas.

A random stream of level changes (with resync reloads, repeated timestamps and a depth limit that
trims levels) goes through a live VenueBook and the TickRecorder; the book is copied after every
change. book_at at random moments must equal the copy of the last change at or before them.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from books.orderbook import VenueBook
from books.recorder import TickRecorder
from books.selectors import BookNotAvailable, book_at

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]


def _level(rng: random.Random, side: str) -> tuple[Decimal, Decimal]:
    cents = rng.randint(9000, 9999) if side == "b" else rng.randint(10000, 10999)
    qty = Decimal(0) if rng.random() < 0.3 else Decimal(rng.randint(1, 500_000)).scaleb(-4)
    return Decimal(cents).scaleb(-2), qty


def _full_side(rng: random.Random, side: str) -> list[tuple[Decimal, Decimal]]:
    levels = {}
    for _ in range(rng.randint(3, 15)):
        p, _q = _level(rng, side)
        levels[p] = Decimal(rng.randint(1, 9999)).scaleb(-3)
    return list(levels.items())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_book_at_equals_the_live_book_at_random_moments(seed, instrument, spec, make_writer):
    rng = random.Random(seed)
    writer = make_writer(batch_size=97).start()  # odd batches: one change's rows span two batches
    recorder = TickRecorder(writer=writer, snapshot_interval=1.0)
    book = VenueBook(venue="binance", symbol=instrument.symbol, depth=6)  # small: trimming matters
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    ts = start.timestamp()
    history: list[tuple[float, dict]] = []
    sequence = 0
    for i in range(400):
        ts += rng.choice([0.0, 0.0, 0.05, 0.1, 0.3, 0.7, 1.3])  # repeats: several changes per instant
        sequence += rng.randint(1, 3)
        if i == 0 or rng.random() < 0.02:
            bids, asks = _full_side(rng, "b"), _full_side(rng, "a")
            book.load_snapshot(bids=bids, asks=asks, sequence=sequence, at=ts)
            recorder.book_changed(spec, book, ts=ts, bids=bids, asks=asks, snapshot=True)
        else:
            bids = [_level(rng, "b") for _ in range(rng.randint(0, 4))]
            asks = [_level(rng, "a") for _ in range(rng.randint(0, 4))]
            book.apply(bids=bids, asks=asks, sequence=sequence, at=ts)
            recorder.book_changed(spec, book, ts=ts, bids=bids, asks=asks, snapshot=False)
        history.append((ts, book.to_json()))
    assert writer.flush(timeout=20), writer.stats()
    assert writer.stats()["refused"] == 0

    moments = [history[rng.randrange(len(history))][0] + rng.choice([0.0, 0.01, 0.5]) for _ in range(25)]
    moments.append(history[-1][0] + 10)
    for moment in moments:
        expected = [state for t, state in history if t <= moment][-1]
        at = datetime.fromtimestamp(moment, UTC)
        rebuilt = book_at(instrument=instrument, at=at)
        assert rebuilt.to_json() == expected, f"book differs at {at.isoformat()}"
        assert book_at(instrument=instrument, at=at, depth=2).to_json() == {
            "bids": expected["bids"][:2],
            "asks": expected["asks"][:2],
        }

    with pytest.raises(BookNotAvailable):
        book_at(instrument=instrument, at=start - timedelta(seconds=1))
