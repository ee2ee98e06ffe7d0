"""The sweep on hand-worked books: three venues (spot, COIN-M inverse, Deribit inverse) merged by
the real consolidated book, and two venues with a taker fee. Every expected number is worked out
in the comments from the levels in tests/analytics/cost_books.py."""

from decimal import Decimal

from analytics.cost import sweep
from analytics.cost_sources import from_consolidated
from tests.analytics.cost_books import COINM, SPOT, consolidated

D = Decimal
S, C, R = "binance:BTCUSDT", "binance-coinm:BTCUSD_PERP", "deribit:BTC-PERPETUAL"


def run(side, size, unit="base", fees=None):
    _, book = consolidated()
    levels = from_consolidated(book)
    return sweep(
        levels_by_side=levels.levels_by_side,
        side=side,
        size=D(size),
        unit=unit,
        fees=fees,
        mid=levels.mid,
        pair="BTC-USDT",
        venues_in=levels.venues_in,
    )


def same(text, expected, digits=20):
    """Equal to `digits` significant digits (for quotients rounded at 28)."""
    a, b = D(text), D(expected)
    return abs(a - b) <= abs(b) * D(10) ** (1 - digits)


def test_buy_one_takes_a_level_whole_and_splits_the_next_by_venue():
    r = run("buy", "1")
    # 0.32 at 50000 whole (16000), then 0.68 of the 0.7 at 51200 (34816): 50816 for 1 BTC.
    assert r["filled"] is True
    assert (r["filled_base"], r["unfilled"], r["quote_amount"]) == ("1", "0", "50816")
    assert (r["average_price"], r["worst_price"], r["mid"], r["levels_taken"]) == (
        "50816",
        "51200",
        "45000",
        2,
    )
    # mid 45000: (50816 - 45000) / 45000 x 10^4 = 1292.444...; best 50000: 816 / 50000 x 10^4 = 163.2
    assert same(r["slippage_bps"], "1292.444444444444444444444444")
    assert r["slippage_best_bps"] == "163.2"
    # 0.68 at 51200 split 0.5 : 0.2 between spot and Deribit: spot 0.68 x 5/7, Deribit the rest.
    assert same(r["allocations"][S], "0.7857142857142857142857142857")  # 0.3 + 0.4857142857...
    assert r["allocations"][C] == "0.02"
    assert same(r["allocations"][R], "0.1942857142857142857142857143")
    assert sum(D(v) for v in r["allocations"].values()) == D(1)
    assert sum(D(v) for v in r["allocation_quote"].values()) == D(50816)
    assert r["allocation_quote"][C] == "1000"
    # Alone: spot has 0.8, coin-m 0.12, Deribit 0.7: none fills 1 BTC.
    assert r["best_single_venue"] is None and r["saving_bps"] is None
    assert {k: v["fills"] for k, v in r["per_venue"].items()} == {S: False, C: False, R: False}
    assert r["per_venue"][S]["filled_base"] == "0.8" and r["per_venue"][S]["unfilled"] == "0.2"
    assert r["venues_in"] == [C, S, R]
    assert r["fees_applied"] is False


def test_buy_half_beats_the_best_single_venue():
    r = run("buy", "0.5")
    # Routed: 0.32 x 50000 + 0.18 x 51200 = 16000 + 9216 = 25216, average 50432.
    assert (r["quote_amount"], r["average_price"]) == ("25216", "50432")
    # Spot alone: 0.3 x 50000 + 0.2 x 51200 = 25240 (50480); Deribit alone: 0.2 x 51200 + 0.3 x 64000
    # = 29440 (58880); coin-m alone has 0.12 only.
    assert r["per_venue"][S]["average_price"] == "50480"
    assert r["per_venue"][R]["average_price"] == "58880"
    assert r["per_venue"][C]["fills"] is False
    assert r["best_single_venue"] == {"venue": S, "average_price": "50480"}
    # Saving: 25240 - 25216 = 24 quote; (50480 - 50432) / 50480 x 10^4 = 9.5087163232963549920760697...
    assert r["saving_quote"] == "24"
    assert same(r["saving_bps"], "9.508716323296354992076069731")
    # 0.18 at 51200 split 5 : 2.
    assert same(r["allocations"][S], "0.4285714285714285714285714286")  # 0.3 + 0.18 x 5/7
    assert same(r["allocations"][R], "0.0514285714285714285714285714")


def test_sell_walks_the_bids_down_and_says_what_is_left():
    r = run("sell", "1.2")
    # 1.14 at 40000 (45600) + 0.06 of coin-m's 0.1 at 32000 (1920) = 47520 for 1.2: average 39600.
    assert (r["filled_base"], r["quote_amount"], r["average_price"], r["worst_price"]) == (
        "1.2",
        "47520",
        "39600",
        "32000",
    )
    assert r["slippage_bps"] == "1200"  # (45000 - 39600) / 45000 x 10^4
    assert r["allocations"] == {C: "0.1", S: "1", R: "0.1"}
    r = run("sell", "2")
    # All bids: 1.14 + 0.1 + 0.1 = 1.34; 45600 + 3200 + 2560 = 51360; 0.66 left.
    assert r["filled"] is False
    assert (r["filled_base"], r["unfilled"], r["quote_amount"]) == ("1.34", "0.66", "51360")


def test_quote_notional_divides_the_last_level_by_its_price():
    r = run("sell", "50000", unit="quote")
    # 40000 x 1.14 = 45600, 32000 x 0.1 = 3200, then 1200 of 25600 x 0.1 = 2560: 1200 / 25600 = 0.046875.
    assert (r["filled_base"], r["quote_amount"], r["unfilled"]) == ("1.286875", "50000", "0")
    assert same(r["average_price"], "38853.81253035454103933948519")  # 50000 / 1.286875
    assert r["allocations"][R] == "0.146875"
    r = run("buy", "20000", unit="quote")
    # 16000 at 50000 (0.32), then 4000 / 51200 = 0.078125 split 5 : 2 between spot and Deribit.
    assert r["filled_base"] == "0.398125"
    assert same(r["average_price"], "50235.47880690737833594976452")
    assert same(r["allocations"][S], "0.35580357142857142857142857143")
    assert same(r["allocation_quote"][S], "17857.142857142857142857142857")  # 15000 + 4000 x 5/7
    assert sum(D(v) for v in r["allocation_quote"].values()) == D(20000)
    r = run("buy", "100000", unit="quote")
    # The whole ask side is 16000 + 35840 + 38400 = 90240 of notional: 9760 left, in quote.
    assert (r["filled_base"], r["quote_amount"], r["unfilled"], r["filled"]) == (
        "1.62",
        "90240",
        "9760",
        False,
    )


def test_two_venues_with_a_taker_fee_reorder_the_levels():
    _, book = consolidated((SPOT, COINM))
    levels = from_consolidated(book)
    r = sweep(levels_by_side=levels.levels_by_side, side="buy", size=D("0.35"), fees={"binance": D("0.001")})
    # Spot pays 0.1%: its 50000 costs 50050 and its 51200 costs 51251.2, so coin-m's 0.02 at 50000
    # goes first: 0.02 x 50000 + 0.3 x 50050 + 0.03 x 51251.2 = 1000 + 15015 + 1537.536 = 17552.536.
    assert r["fees_applied"] is True
    assert r["fees"] == {C: "0", S: "0.001"}
    assert r["quote_amount"] == "17552.536"
    assert same(r["average_price"], "50150.10285714285714285714286")
    assert (r["worst_price"], r["worst_book_price"]) == ("51251.2", "51200")
    assert r["allocations"] == {C: "0.02", S: "0.33"}
    # Without the fee the same size is 0.32 at 50000 and 0.03 at 51200: 17536.
    plain_run = sweep(levels_by_side=levels.levels_by_side, side="buy", size=D("0.35"))
    assert plain_run["quote_amount"] == "17536" and plain_run["fees_applied"] is False
