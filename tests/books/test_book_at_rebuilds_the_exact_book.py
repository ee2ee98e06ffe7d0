"""book_at rebuilds the exact venue book at any moment from stored snapshots and deltas.

An exchange book far deeper than its snapshots changes at random (levels near the top, at the
boundary and past it, with resync reloads and repeated timestamps). A live VenueBook fed the
snapshots (cut at a small limit: the boundary rule matters) and the diffs goes through the
TickRecorder, which stores each change as one row. The book expected after every change is
computed here, independently of the VenueBook: the exchange's levels inside the last snapshot's
boundary. book_at at random moments must equal the expectation of the last change at or before
them.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from books.models import BookDelta
from books.orderbook import VenueBook
from books.recorder import TickRecorder
from books.selectors import BookNotAvailable, book_at

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]
LIMIT = 6  # levels a side in a snapshot: small, so the exchange book is far deeper
START = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # a pinned past moment: book_at refuses the future


def _price(rng: random.Random, side: str) -> Decimal:
    cents = rng.randint(9000, 9999) if side == "b" else rng.randint(10000, 10999)
    return Decimal(cents).scaleb(-2)


def _near_top(rng: random.Random, side: str, book: dict) -> Decimal:
    """A price within a few levels of the top: where deletions open room inside the boundary."""
    if not book:
        return _price(rng, side)
    ordered = sorted(book, reverse=side == "b")
    return ordered[min(len(ordered) - 1, rng.randint(0, LIMIT + 2))]


def _quantity(rng: random.Random) -> Decimal:
    return Decimal(0) if rng.random() < 0.35 else Decimal(rng.randint(1, 500_000)).scaleb(-4)


class Exchange:
    def __init__(self, rng: random.Random) -> None:
        self.book = {
            side: {_price(rng, side): _quantity(rng) or Decimal(1) for _ in range(60)} for side in "ba"
        }
        self.boundary: dict[str, Decimal | None] = {"b": None, "a": None}

    def snapshot(self) -> dict[str, list[tuple[Decimal, Decimal]]]:
        out = {}
        for side in "ba":
            top = sorted(self.book[side], reverse=side == "b")[:LIMIT]
            self.boundary[side] = top[-1] if len(top) == LIMIT else None
            out[side] = [(p, self.book[side][p]) for p in top]
        return out

    def change(self, side: str, price: Decimal, qty: Decimal) -> None:
        if qty:
            self.book[side][price] = qty
        else:
            self.book[side].pop(price, None)

    def known(self) -> dict[str, list[list[str]]]:
        """What a client knows: every level inside the boundary, best first, as to_json gives it."""
        out = {}
        for side, key in (("b", "bids"), ("a", "asks")):
            bound = self.boundary[side]
            inside = [
                p for p in self.book[side] if bound is None or (p >= bound if side == "b" else p <= bound)
            ]
            out[key] = [[_plain(p), _plain(self.book[side][p])] for p in sorted(inside, reverse=side == "b")]
        return out


def _plain(d: Decimal) -> str:
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_book_at_equals_the_live_book_at_random_moments(seed, instrument, spec, make_writer):
    rng = random.Random(seed)
    writer = make_writer(batch_size=7).start()  # changes and snapshots split across many batches
    recorder = TickRecorder(writer=writer, snapshot_interval=1.0)
    book = VenueBook(venue="binance", symbol=instrument.symbol, depth=LIMIT)  # depth deletes nothing
    exchange = Exchange(rng)
    start = START
    ts = start.timestamp()
    history: list[tuple[float, dict]] = []
    sequence = 0
    past_boundary = 0
    changes = 0
    for i in range(400):
        ts += rng.choice([0.0, 0.0, 0.05, 0.1, 0.3, 0.7, 1.3])  # repeats: several changes per instant
        sequence += rng.randint(1, 3)
        if i == 0 or rng.random() < 0.02:
            snap = exchange.snapshot()
            book.load_snapshot(bids=snap["b"], asks=snap["a"], sequence=sequence, at=ts, limit=LIMIT)
            recorder.book_changed(spec, book, ts=ts, bids=snap["b"], asks=snap["a"], snapshot=True)
        else:
            diff = {"b": [], "a": []}
            for _ in range(rng.randint(0, 4)):
                side = rng.choice("ba")
                price = _near_top(rng, side, exchange.book[side]) if rng.random() < 0.5 else _price(rng, side)
                qty = _quantity(rng)
                exchange.change(side, price, qty)
                diff[side].append((price, qty))
                bound = exchange.boundary[side]
                past_boundary += bound is not None and (price < bound if side == "b" else price > bound)
            book.apply(bids=diff["b"], asks=diff["a"], sequence=sequence, at=ts)
            recorder.book_changed(spec, book, ts=ts, bids=diff["b"], asks=diff["a"], snapshot=False)
            changes += bool(diff["b"] or diff["a"])
        expected = exchange.known()
        assert book.to_json() == expected, (
            f"the live book differs from the exchange's known levels at step {i}"
        )
        history.append((ts, expected))
    assert past_boundary > 20, "the scenario must send diffs past the boundary"
    assert max(len(state["bids"]) for _, state in history) > LIMIT, "inside the boundary, more than LIMIT"
    assert writer.flush(timeout=20), writer.stats()
    assert writer.stats()["refused"] == 0
    assert BookDelta.objects.filter(instrument=instrument).count() == changes, "one row per change"

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


def test_snapshots_stored_cut_keep_no_hole(instrument, spec, make_writer):
    """A recorder storing only the best 3 levels a side: book_at knows those three and what diffs
    change inside them, never a level a diff names past the stored cut (the live book had the
    levels in between, storage does not)."""
    writer = make_writer().start()
    recorder = TickRecorder(writer=writer, snapshot_interval=3600.0, snapshot_depth=3)
    book = VenueBook(venue="binance", symbol=instrument.symbol)
    ts = START.timestamp()
    bids = [(Decimal(100 - k), Decimal(1)) for k in range(6)]  # 100 .. 95, whole (no limit)
    asks = [(Decimal(101 + k), Decimal(1)) for k in range(6)]  # 101 .. 106
    book.load_snapshot(bids=bids, asks=asks, sequence=1, at=ts)
    recorder.book_changed(spec, book, ts=ts, bids=bids, asks=asks, snapshot=True)
    diff_bids = [(Decimal(100), Decimal(0)), (Decimal(96), Decimal(7)), (Decimal("98.5"), Decimal(2))]
    diff_asks = [(Decimal(105), Decimal(4)), (Decimal(102), Decimal(3))]
    book.apply(bids=diff_bids, asks=diff_asks, sequence=2, at=ts + 1)
    recorder.book_changed(spec, book, ts=ts + 1, bids=diff_bids, asks=diff_asks, snapshot=False)
    assert writer.flush(timeout=20), writer.stats()

    rebuilt = book_at(instrument=instrument, at=datetime.fromtimestamp(ts + 2, UTC))
    assert (rebuilt.bid_boundary, rebuilt.ask_boundary) == (Decimal(98), Decimal(103))
    assert rebuilt.to_json() == {
        "bids": [["99", "1"], ["98.5", "2"], ["98", "1"]],  # 96 lies past the stored cut at 98
        "asks": [["101", "1"], ["102", "3"], ["103", "1"]],  # 105 lies past 103
    }
