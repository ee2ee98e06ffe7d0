"""The cost_to_trade metric: found by the registry, its parameters checked, and its values those of
the hand-worked sweep (tests/analytics/test_cost_hand_worked_books.py), also on a deep book."""

from decimal import Decimal

import pytest

from analytics.cost import sweep
from analytics.cost_sources import from_consolidated
from analytics.metrics import ParamError, get_metric
from books.consolidated import ConsolidatedBooks
from books.orderbook import BookState, VenueBook
from tests.analytics.cost_books import SPOT, consolidated


def test_registered_with_typed_parameters():
    cls = get_metric("cost_to_trade")
    assert cls.validate({"side": "sell", "size": "2.5", "unit": "quote"}) == {
        "side": "sell",
        "size": Decimal("2.5"),
        "unit": "quote",
    }
    for bad, word in [
        ({"side": "long"}, "side"),
        ({"size": "0"}, "size"),
        ({"size": "-1"}, "size"),
        ({"size": "lots"}, "size"),
        ({"unit": "usd"}, "unit"),
        ({"venue": "binance"}, "unknown parameter"),
    ]:
        with pytest.raises(ParamError, match=word):
            cls.validate(bad)


def test_values_are_the_hand_worked_sweep():
    _, book = consolidated()
    value = get_metric("cost_to_trade")(side="buy", size="0.5").compute(book)
    # 0.32 x 50000 + 0.18 x 51200 = 25216: average 50432; mid 45000: 5432 / 45000 x 10^4 bps;
    # spot alone 50480: saving 48 / 50480 x 10^4 bps.
    assert value["average_price"] == 50432.0
    assert value["slippage_bps"] == pytest.approx(1207.1111111111111, rel=1e-15)
    assert value["saving_bps"] == pytest.approx(9.508716323296355, rel=1e-15)
    assert value["best_venue"] == "binance:BTCUSDT"
    assert value["unfilled"] == 0.0
    sell = get_metric("cost_to_trade")(side="sell", size="2").compute(book)
    # Only 1.34 on the bids: the average of what fills, 0.66 left, and no single venue to compare.
    assert sell["filled_base"] == 1.34 and sell["unfilled"] == 0.66 and "saving_bps" not in sell
    assert sell["average_price"] == pytest.approx(51360 / 1.34, rel=1e-15)


def deep_book(levels: int):
    """Spot alone, `levels` asks of 0.01 BTC one dollar apart from 50000, and one bid."""
    books = ConsolidatedBooks([SPOT])
    book = VenueBook(venue=SPOT.venue, symbol=SPOT.symbol)
    book.load_snapshot(
        bids=[(Decimal(49999), Decimal(1))],
        asks=[(Decimal(50000 + i), Decimal("0.01")) for i in range(levels)],
        sequence=1,
        at=1795000000.0,
    )
    book.state = BookState.LIVE
    books.book_changed(SPOT, book, ts=1795000000.0, bids=[], asks=[], snapshot=True)
    return books.books["BTC-USDT"]


@pytest.mark.parametrize("size", ["0.05", "3", "9.99", "12"])
def test_deep_book_reads_what_the_size_needs_and_agrees_with_a_full_sweep(size):
    book = deep_book(1000)
    value = get_metric("cost_to_trade")(side="buy", size=size).compute(book)
    levels = from_consolidated(book)
    full = sweep(levels_by_side=levels.levels_by_side, side="buy", size=Decimal(size), mid=levels.mid)
    assert value["average_price"] == float(full["average_price"])
    assert value["filled_base"] == float(full["filled_base"])
    assert value["unfilled"] == float(full["unfilled"])
    assert value.get("saving_bps") == (None if full["saving_bps"] is None else float(full["saving_bps"]))
