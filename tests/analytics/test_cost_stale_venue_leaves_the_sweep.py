"""A venue that goes stale leaves the consolidated book, and so the sweep; coming back puts it in."""

from decimal import Decimal

from analytics.cost import sweep
from analytics.cost_sources import from_consolidated, from_payload
from exchanges.types import StateEvent
from tests.analytics.cost_books import consolidated

R = "deribit:BTC-PERPETUAL"


def cost(book, size="1"):
    levels = from_consolidated(book)
    return sweep(
        levels_by_side=levels.levels_by_side,
        side="buy",
        size=Decimal(size),
        mid=levels.mid,
        venues_in=levels.venues_in,
    )


def test_stale_venue_is_not_swept_and_not_named_in():
    books, book = consolidated()
    assert R in cost(book)["allocations"]
    books.state_changed(StateEvent(venue="deribit", symbol="BTC-PERPETUAL", state="stale", ts=1795000030.0))
    r = cost(book)
    assert R not in r["venues_in"] and R not in r["allocations"] and R not in r["per_venue"]
    # Without Deribit the asks are 0.32 at 50000, 0.5 at 51200 and 0.1 at 64000: 0.92 in all,
    # 16000 + 25600 + 6400 = 48000, and 0.08 of the 1 BTC left over.
    assert (r["filled_base"], r["quote_amount"], r["unfilled"]) == ("0.92", "48000", "0.08")
    books.state_changed(StateEvent(venue="deribit", symbol="BTC-PERPETUAL", state="live", ts=1795000040.0))
    assert cost(book)["quote_amount"] == "50816"


def test_payload_member_marked_out_is_dropped_even_if_its_levels_linger():
    """A payload cut between a state change and its levels still never routes to a member that is out."""
    _, book = consolidated()
    payload = {
        "consolidated": book.to_json(),
        "members": [{**m.as_dict(), "included": m.key != R} for m in book.members.values()],
    }
    levels = from_payload(payload)
    assert R not in levels.venues_in
    r = sweep(levels_by_side=levels.levels_by_side, side="buy", size=Decimal(1), venues_in=levels.venues_in)
    assert r["quote_amount"] == "48000" and R not in r["allocations"]
