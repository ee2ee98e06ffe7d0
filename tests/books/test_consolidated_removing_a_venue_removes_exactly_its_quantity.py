"""Property: a venue that leaves (any state but live) takes out exactly what it contributed: each
level's total drops by that venue's quantity there, levels only it held disappear, the others are
untouched; live again, the book is what it was."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from books.consolidated import ConsolidatedBooks
from books.orderbook import BookState
from exchanges.types import StateEvent
from tests.books.consolidated_driver import SPECS, Venues, op


def _snapshot(book):
    return {side: {p: (Fraction(t), dict(by)) for p, t, by in book.levels(side)} for side in ("bids", "asks")}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(op.filter(lambda s: s[0] != "state"), min_size=1, max_size=25),
    st.integers(0, 2),
    st.sampled_from(["stale", "resyncing", "syncing", "backoff"]),
)
def test_a_leaving_venue_takes_out_exactly_its_quantity(steps, leaving, state):
    sink = ConsolidatedBooks(SPECS)
    venues = Venues(sink)
    venues.start_live()
    for step in steps:
        venues.run(step)
    book = sink.books["BTC-USDT"]
    spec = SPECS[leaving]
    before = _snapshot(book)

    venues.books[spec.key].state = BookState(state)
    sink.state_changed(StateEvent(venue=spec.venue, symbol=spec.symbol, state=state, ts=100.0, reason="test"))

    after = _snapshot(book)
    assert spec.key not in book.venues_in()
    assert book.venues_out()[spec.key] == f"{state}: test"
    for side in ("bids", "asks"):
        for price, (total, by) in before[side].items():
            mine = Fraction(by.get(spec.key, 0))
            rest = {k: q for k, q in by.items() if k != spec.key}
            if not rest:
                assert price not in after[side], f"{side} {price} held only by {spec.key} stayed"
            else:
                assert after[side][price] == (total - mine, rest)
        assert set(after[side]) <= set(before[side])

    venues.books[spec.key].state = BookState.LIVE
    sink.state_changed(StateEvent(venue=spec.venue, symbol=spec.symbol, state="live", ts=101.0))
    assert _snapshot(book) == before
    assert spec.key in book.venues_in()
