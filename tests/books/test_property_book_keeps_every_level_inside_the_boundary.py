"""The boundary rule, as a property: a client book always equals the exchange book cut at the boundary.

The exchange keeps a book far deeper than any snapshot. A snapshot is its best `limit` levels a
side; a side that has that many was cut, so its worst price is the boundary. Random diffs then
change levels anywhere (near the top, at the boundary, far past it), and a fresh snapshot now and
then sets a new boundary. After every step the client's VenueBook (given a `depth` as the feed
gives it, which must delete nothing) holds exactly the exchange's levels inside the boundary:
all of them, and nothing past it. The expectation is computed here from plain dicts.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from books.orderbook import VenueBook

# Bid ticks 1..400 and ask ticks 401..800: the exchange book never crosses.
BID_TICKS = (1, 400)
ASK_TICKS = (401, 800)


def _price(tick: int) -> Decimal:
    return Decimal(tick).scaleb(-2)


def _quantity(units: int) -> Decimal:
    return Decimal(units).scaleb(-3)


def _ticks(side: str, exchange: dict[int, int]):
    """A tick anywhere, or one near the exchange's current top (where most changes happen)."""
    lo, hi = BID_TICKS if side == "b" else ASK_TICKS
    anywhere = st.integers(lo, hi)
    if not exchange:
        return anywhere
    best = max(exchange) if side == "b" else min(exchange)
    near = st.integers(max(lo, best - 15), best) if side == "b" else st.integers(best, min(hi, best + 15))
    return st.one_of(near, anywhere, st.sampled_from(sorted(exchange)))


@st.composite
def scenarios(draw):
    limit = draw(st.integers(1, 12))
    # Far deeper than the snapshot: at least three times the limit a side, often much more.
    depth = draw(st.integers(3 * limit, 4 * limit + 20))
    bids = draw(
        st.dictionaries(st.integers(*BID_TICKS), st.integers(1, 9999), min_size=depth, max_size=depth)
    )
    asks = draw(
        st.dictionaries(st.integers(*ASK_TICKS), st.integers(1, 9999), min_size=depth, max_size=depth)
    )
    steps = []
    book = {"b": dict(bids), "a": dict(asks)}
    for _ in range(draw(st.integers(1, 30))):
        if draw(st.integers(0, 19)) == 0:
            steps.append(("snapshot",))
            continue
        diff = []
        for _ in range(draw(st.integers(0, 12))):
            side = draw(st.sampled_from("ba"))
            tick = draw(_ticks(side, book[side]))
            units = draw(st.one_of(st.just(0), st.integers(1, 9999)))  # zero deletes
            diff.append((side, tick, units))
            if units:
                book[side][tick] = units
            else:
                book[side].pop(tick, None)
        steps.append(("diff", diff))
    return limit, bids, asks, steps


class Exchange:
    """The venue's whole book, and what a client that took its snapshots may know of it."""

    def __init__(self, bids: dict[int, int], asks: dict[int, int]) -> None:
        self.book = {"b": dict(bids), "a": dict(asks)}
        self.boundary: dict[str, int | None] = {"b": None, "a": None}

    def snapshot(self, limit: int) -> dict[str, list[tuple[Decimal, Decimal]]]:
        out = {}
        for side, best_first in (("b", True), ("a", False)):
            top = sorted(self.book[side], reverse=best_first)[:limit]
            self.boundary[side] = top[-1] if len(top) == limit else None
            out[side] = [(_price(t), _quantity(self.book[side][t])) for t in top]
        return out

    def change(self, side: str, tick: int, units: int) -> None:
        if units:
            self.book[side][tick] = units
        else:
            self.book[side].pop(tick, None)

    def inside(self, side: str) -> dict[Decimal, Decimal]:
        bound = self.boundary[side]
        return {
            _price(t): _quantity(u)
            for t, u in self.book[side].items()
            if bound is None or (t >= bound if side == "b" else t <= bound)
        }


def _client(book: VenueBook) -> dict[str, dict[Decimal, Decimal]]:
    bids, asks = book.top(len(book.bids) + len(book.asks))
    return {"b": dict(bids), "a": dict(asks)}


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_client_book_equals_the_exchange_book_cut_at_the_boundary(scenario):
    limit, bids, asks, steps = scenario
    exchange = Exchange(bids, asks)
    book = VenueBook(venue="binance", symbol="TESTUSDT", depth=limit)
    snap = exchange.snapshot(limit)
    book.load_snapshot(bids=snap["b"], asks=snap["a"], sequence=0, at=0.0, limit=limit)
    for n, step in enumerate(steps, start=1):
        if step[0] == "snapshot":
            snap = exchange.snapshot(limit)
            book.load_snapshot(bids=snap["b"], asks=snap["a"], sequence=n, at=float(n), limit=limit)
        else:
            for side, tick, units in step[1]:
                exchange.change(side, tick, units)
            book.apply(
                bids=[(_price(t), _quantity(u)) for s, t, u in step[1] if s == "b"],
                asks=[(_price(t), _quantity(u)) for s, t, u in step[1] if s == "a"],
                sequence=n,
                at=float(n),
            )
        assert _client(book) == {"b": exchange.inside("b"), "a": exchange.inside("a")}, f"step {n}: {step}"
        for side, attr in (("b", book.bid_boundary), ("a", book.ask_boundary)):
            bound = exchange.boundary[side]
            assert attr == (None if bound is None else _price(bound))


def test_a_snapshot_that_was_not_cut_has_no_boundary():
    # Deribit's subscription snapshot: the whole book, however few or many levels it has.
    book = VenueBook(venue="deribit", symbol="BTC-PERPETUAL", depth=2)
    book.load_snapshot(
        bids=[(Decimal("100"), Decimal(1)), (Decimal("99"), Decimal(1)), (Decimal("98"), Decimal(1))],
        asks=[(Decimal("101"), Decimal(1))],
        sequence=1,
        at=0.0,
    )
    book.apply(bids=[(Decimal("50"), Decimal(2))], asks=[(Decimal("500"), Decimal(3))], sequence=2, at=1.0)
    assert (book.bid_boundary, book.ask_boundary) == (None, None)
    assert [p for p, _ in book.bids.top(10)] == [Decimal("100"), Decimal("99"), Decimal("98"), Decimal("50")]
    assert [p for p, _ in book.asks.top(10)] == [Decimal("101"), Decimal("500")]
    assert book.trimmed == 0


def test_levels_past_the_boundary_are_counted_as_ignored():
    book = VenueBook(venue="binance", symbol="TESTUSDT", depth=2)
    book.load_snapshot(
        bids=[(Decimal("100"), Decimal(1)), (Decimal("99"), Decimal(1))],
        asks=[(Decimal("101"), Decimal(1)), (Decimal("102"), Decimal(1))],
        sequence=1,
        at=0.0,
        limit=2,
    )
    book.apply(
        bids=[(Decimal("98"), Decimal(1)), (Decimal("99.5"), Decimal(4))],
        asks=[(Decimal("103"), Decimal(1)), (Decimal("102"), Decimal(0))],
        sequence=2,
        at=1.0,
    )
    assert book.trimmed == 2
    assert book.top(5) == (
        [(Decimal("100"), Decimal(1)), (Decimal("99.5"), Decimal(4)), (Decimal("99"), Decimal(1))],
        [(Decimal("101"), Decimal(1))],
    )
