"""Property: after any sequence of venue diffs, reloads (with trimming to depth) and state changes,
each consolidated level's total equals the exact sum of its venue contributions, and the whole
book equals the live venue books converted independently."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from books.consolidated import ConsolidatedBooks
from tests.books.consolidated_driver import SPECS, Venues, op
from tests.books.consolidated_reference import expected_book


@settings(max_examples=200, deadline=None)
@given(st.lists(op, max_size=40))
def test_each_level_total_is_the_sum_of_its_venue_contributions(steps):
    sink = ConsolidatedBooks(SPECS)
    venues = Venues(sink)
    venues.start_live()
    book = sink.books["BTC-USDT"]
    for step in steps:
        venues.run(step)
        for side in ("bids", "asks"):
            rows = book.levels(side)
            for price, total, by in rows:
                assert by, f"an empty level at {price}"
                assert Fraction(total) == sum(map(Fraction, by.values())), f"{side} {price}: {total} != {by}"
            expected = expected_book(venues.live_members())[side]
            assert [(p, Fraction(t), by) for p, t, by in rows] == expected, f"after {step}"
            # The published JSON (rows cached per level) says the same, as exact decimal strings.
            written = [
                (Decimal(p), Fraction(Decimal(t)), {k: Decimal(q) for k, q in by.items()})
                for p, t, by in book.to_json()[side]
            ]
            assert written == expected, f"to_json after {step}"
            assert all("E" not in p + t for p, t, _ in book.to_json()[side])
            # Each member's own part, best first, is its column of the expected book.
            for key in venues.live_members():
                own = [(p, by[key]) for p, _, by in expected if key in by]
                assert book.venue_levels(key, side) == own, f"{key} {side} after {step}"
        assert set(book.venues_in()) == set(venues.live_members())
