"""Property: grouping prices into buckets (multiples of a tick; bids down, asks up) gives buckets
whose totals and venue contributions are the sums of the levels they group, best first."""

from collections import defaultdict
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from books.consolidated import ConsolidatedBooks
from tests.books.consolidated_driver import SPECS, Venues, op


@settings(max_examples=150, deadline=None)
@given(
    st.lists(op, max_size=30),
    st.sampled_from([Decimal("0.5"), Decimal("1"), Decimal("2.5"), Decimal("0.25"), Decimal("10")]),
    st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
)
def test_bucket_totals_are_the_sums_of_the_levels_they_group(steps, group, n):
    sink = ConsolidatedBooks(SPECS)
    venues = Venues(sink)
    venues.start_live()
    for step in steps:
        venues.run(step)
    book = sink.books["BTC-USDT"]
    for side, rounding in (("bids", ROUND_FLOOR), ("asks", ROUND_CEILING)):
        expected_total: dict[Decimal, Fraction] = defaultdict(Fraction)
        expected_by: dict[Decimal, dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
        for price, total, by in book.levels(side):
            bucket = (price / group).to_integral_value(rounding=rounding) * group
            expected_total[bucket] += Fraction(total)
            for key, q in by.items():
                expected_by[bucket][key] += Fraction(q)
        order = sorted(expected_total, reverse=side == "bids")
        if n is not None:
            order = order[:n]
        got = book.levels(side, n, group)
        assert [p for p, _, _ in got] == order
        for price, total, by in got:
            assert Fraction(total) == expected_total[price]
            assert {k: Fraction(q) for k, q in by.items()} == dict(expected_by[price])
            assert Fraction(total) == sum(map(Fraction, by.values()))
