"""/api/book/<pair> serves the feed process's live book: consolidated (cut, grouped) or one venue's
exact book; /api/pairs summarises every pair. A pair not yet published is a 503 saying so."""

from exchanges.models import Exchange, Instrument
from tests.web.payloads import sample


def test_consolidated_book_cut_to_depth(client, live):
    live.put("BTC-USDT", sample(version=9, metrics={"spread_bps": 49.6}))
    body = client.get("/api/book/BTC-USDT?depth=2").json()
    assert (body["pair"], body["version"], body["depth"], body["group"]) == ("BTC-USDT", 9, 2, None)
    assert body["bids"] == [
        ["100.5", "3", {"binance:BTCUSDT": "1", "binance-usdm:BTCUSDT": "2"}],
        ["100.1", "0.5", {"binance:BTCUSDT": "0.5"}],
    ]
    assert body["asks"] == [
        ["101", "1", {"binance:BTCUSDT": "1"}],
        ["101.25", "2", {"binance-usdm:BTCUSDT": "2"}],
    ]
    assert body["metrics"] == {"spread_bps": 49.6}
    assert {m["key"]: m["state"] for m in body["members"]}["deribit:BTC-PERPETUAL"] == "live"


def test_grouped_book_sums_what_it_groups(client, live):
    live.put("BTC-USDT", sample())
    body = client.get("/api/book/BTC-USDT?group=0.5").json()
    # By hand: bids floor to 0.5 (100.5 | 100.1 -> 100 | 99.9 -> 99.5); asks ceil (101 | 101.25 -> 101.5 | 102).
    assert [level[:2] for level in body["bids"]] == [["100.5", "3"], ["100", "0.5"], ["99.5", "4"]]
    assert [level[:2] for level in body["asks"]] == [["101", "1"], ["101.5", "2"], ["102", "5"]]
    assert body["group"] == "0.5"


def test_one_venue_exact_book_by_id_or_key(client, live):
    live.put("BTC-USDT", sample())
    by_id = client.get("/api/book/BTC-USDT?venue=deribit").json()
    by_key = client.get("/api/book/BTC-USDT?venue=deribit:BTC-PERPETUAL&depth=1").json()
    assert by_id["venue"] == by_key["venue"] == "deribit:BTC-PERPETUAL"
    assert (by_id["bids"], by_id["asks"]) == ([["99.9", "399.6"]], [["102", "306"]])
    assert by_key["state"] == "live" and by_key["bids"] == [["99.9", "399.6"]]
    assert "own price and quantity units" in by_id["units"]


def test_pairs_summarise_the_live_books(client, live):
    live.put("BTC-USDT", sample(states={"deribit:BTC-PERPETUAL": "stale"}))
    pairs = {p["pair"]: p for p in client.get("/api/pairs").json()["pairs"]}
    assert set(pairs) == {"BTC-USDT", "ETH-USDT"}
    btc = pairs["BTC-USDT"]
    assert (btc["best_bid"], btc["best_ask"], btc["page"]) == ("100.5", "101", "/book/BTC-USDT/")
    deribit = next(m for m in btc["members"] if m["key"] == "deribit:BTC-PERPETUAL")
    assert (deribit["state"], deribit["included"], deribit["reason"]) == ("stale", False, "no change for 30s")


def test_a_pair_not_published_yet_is_a_503_saying_so(client, live):
    # A pair added just now: no feed process has published it in this test run.
    Instrument.objects.create(
        exchange=Exchange.objects.get(venue="binance"),
        symbol="SOLUSDT",
        pair="SOL-USDT",
        base="SOL",
        quote="USDT",
    )
    response = client.get("/api/book/SOL-USDT")
    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert "not published" in response.json()["error"]
