"""/api/cost/<pair> answers from the live store's payload, with the exchanges' taker fees."""

from decimal import Decimal

from tests.analytics.cost_live import published  # noqa: F401 (fixture)

S, C, R = "binance:BTCUSDT", "binance-coinm:BTCUSD_PERP", "deribit:BTC-PERPETUAL"


def test_buy_half_is_routed_and_beats_the_best_single_venue(client, published):  # noqa: F811
    body = client.get("/api/cost/BTC-USDT?side=buy&size=0.5").json()
    # tests/analytics/test_cost_hand_worked_books.py works these out from the same book.
    assert (body["pair"], body["side"], body["size"], body["unit"]) == ("BTC-USDT", "buy", "0.5", "base")
    assert (body["quote_amount"], body["average_price"], body["mid"]) == ("25216", "50432", "45000")
    assert body["best_single_venue"] == {"venue": S, "average_price": "50480"}
    assert body["saving_quote"] == "24"
    assert body["venues_in"] == [C, S, R]
    assert body["fees_applied"] is False
    assert body["ts"] == 1795000000.0


def test_quote_unit_and_an_unfillable_size(client, published):  # noqa: F811
    body = client.get("/api/cost/BTC-USDT?side=sell&size=50000&unit=quote").json()
    assert (body["filled_base"], body["quote_amount"], body["unfilled"]) == ("1.286875", "50000", "0")
    body = client.get("/api/cost/BTC-USDT?side=sell&size=2").json()
    assert body["filled"] is False and (body["filled_base"], body["unfilled"]) == ("1.34", "0.66")


def test_taker_fee_set_on_the_exchange_is_applied(client, published):  # noqa: F811
    from exchanges.models import Exchange

    Exchange.objects.filter(venue="binance").update(taker_fee=Decimal("0.001"))
    body = client.get("/api/cost/BTC-USDT?side=buy&size=0.35").json()
    # Spot's 50000 becomes 50050 and its 51200 51251.2, so coin-m's 0.02 at 50000 goes first,
    # then 0.3 at 50050 and 0.03 of Deribit's 0.2 at 51200 (cheaper than spot's 51251.2):
    # 1000 + 15015 + 1536 = 17551.
    assert body["fees_applied"] is True and body["fees"][S] == "0.001" and body["fees"][R] == "0"
    assert body["quote_amount"] == "17551"
    assert body["allocations"] == {C: "0.02", S: "0.3", R: "0.03"}


def test_a_stale_venue_published_out_is_not_in_the_answer(client, published):  # noqa: F811
    from books.live import build_payload, live_store
    from exchanges.types import StateEvent

    books, book = published
    books.state_changed(StateEvent(venue="deribit", symbol="BTC-PERPETUAL", state="stale", ts=1795000030.0))
    live_store().put("BTC-USDT", build_payload(book=book, now=1795000030.0))
    body = client.get("/api/cost/BTC-USDT?side=buy&size=1").json()
    assert R not in body["venues_in"] and R not in body["allocations"]
    assert (body["filled_base"], body["unfilled"]) == ("0.92", "0.08")
