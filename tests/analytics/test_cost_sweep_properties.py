"""Properties of the sweep on random consolidated books: what any correct router must satisfy."""

from decimal import Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.cost import sweep

D = Decimal
KEYS = ["binance:BTCUSDT", "binance-coinm:BTCUSD_PERP", "deribit:BTC-PERPETUAL"]

qty = st.decimals(min_value=D("0.001"), max_value=D(50), places=3)


@st.composite
def books(draw):
    """Asks above bids, each level shared by one to three venues, totals the sums of their parts."""

    def side(prices):
        levels = []
        for p in prices:
            keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True))
            parts = {k: draw(qty) for k in keys}
            levels.append((D(p) / 10, sum(parts.values()), parts))
        return levels

    ticks = draw(st.lists(st.integers(1, 2000), min_size=2, max_size=30, unique=True))
    ticks.sort()
    cut = draw(st.integers(1, len(ticks) - 1))
    bids = side(list(reversed(ticks[:cut])))
    asks = side(ticks[cut:])
    return {"bids": bids, "asks": asks}


sizes = st.decimals(min_value=D("0.0001"), max_value=D(500), places=4)
fees = st.dictionaries(
    st.sampled_from(KEYS), st.decimals(min_value=0, max_value=D("0.01"), places=4), max_size=3
)


def total(values) -> Decimal:
    """An exact sum (the default 28-digit context would round it)."""
    with localcontext(prec=200):
        return sum((D(v) for v in values), D(0))


def worse_or_equal(side, a, b):
    return a >= b if side == "buy" else a <= b


@settings(max_examples=300, deadline=None)
@given(books(), st.sampled_from(["buy", "sell"]), sizes, st.sampled_from(["base", "quote"]))
def test_allocations_sum_to_the_filled_size(book, side, size, unit):
    r = sweep(levels_by_side=book, side=side, size=size, unit=unit)
    assert total(r["allocations"].values()) == D(r["filled_base"])
    assert total(r["allocation_quote"].values()) == D(r["quote_amount"])
    done = D(r["filled_base"]) if unit == "base" else D(r["quote_amount"])
    assert total([done, D(r["unfilled"])]) == size
    assert r["filled"] == (D(r["unfilled"]) == 0)


@settings(max_examples=300, deadline=None)
@given(books(), st.sampled_from(["buy", "sell"]), sizes, st.sampled_from(["base", "quote"]), fees)
def test_routing_is_never_worse_than_the_best_single_venue(book, side, size, unit, fee):
    r = sweep(levels_by_side=book, side=side, size=size, unit=unit, fees=fee)
    for key, alone in r["per_venue"].items():
        if alone["fills"]:
            assert r["filled"]
            assert worse_or_equal(side, D(alone["average_price"]), D(r["average_price"])), key
    if r["best_single_venue"] is not None:
        assert D(r["saving_bps"]) >= 0 and D(r["saving_quote"]) >= 0


@settings(max_examples=200, deadline=None)
@given(books(), st.sampled_from(["buy", "sell"]))
def test_taking_a_whole_side_fills_exactly_its_total(book, side):
    levels = book["asks" if side == "buy" else "bids"]
    whole = total(level[1] for level in levels)
    r = sweep(levels_by_side=book, side=side, size=whole)
    assert r["filled"] and D(r["filled_base"]) == whole and r["unfilled"] == "0"
    with localcontext(prec=200):
        assert D(r["quote_amount"]) == total(p * q for p, q, _ in levels)
    assert D(r["worst_price"]) == levels[-1][0] and r["levels_taken"] == len(levels)
    more = sweep(levels_by_side=book, side=side, size=whole + 1)
    assert not more["filled"] and D(more["filled_base"]) == whole and D(more["unfilled"]) == 1


@settings(max_examples=200, deadline=None)
@given(books(), st.sampled_from(["buy", "sell"]), st.sampled_from(["base", "quote"]))
def test_a_size_within_the_best_level_costs_the_best_price(book, side, unit):
    price, total, _ = book["asks" if side == "buy" else "bids"][0]
    size = total if unit == "base" else price * total
    r = sweep(levels_by_side=book, side=side, size=size, unit=unit)
    assert D(r["average_price"]) == price == D(r["worst_price"]) == D(r["best_price"])
    assert D(r["slippage_best_bps"]) == 0
    half = sweep(levels_by_side=book, side=side, size=size / 2, unit=unit)
    assert D(half["average_price"]) == price


@settings(max_examples=200, deadline=None)
@given(books(), st.sampled_from(["buy", "sell"]), sizes, st.sampled_from(["base", "quote"]), fees)
def test_each_venue_alone_is_the_same_from_its_own_levels(book, side, size, unit, fee):
    """A venue's own levels (what a ConsolidatedBook's venue_levels gives) sweep like its parts of
    the consolidated levels, with or without taker fees."""
    levels = book["asks" if side == "buy" else "bids"]
    own = {k: [(p, parts[k]) for p, _, parts in levels if k in parts] for k in KEYS}
    a = sweep(levels_by_side=book, side=side, size=size, unit=unit, fees=fee)
    b = sweep(levels_by_side=book, side=side, size=size, unit=unit, fees=fee, venue_levels=own)
    assert a == b
