"""Every bad parameter of every API endpoint gets a 400 naming it; an unknown pair is a 404."""

import pytest

BAD = [
    # (url, the parameter the 400 names, a word of the reason)
    ("/api/pairs?depth=5", "depth", "unknown parameter"),
    ("/api/book/BTC-USDT?depth=abc", "depth", "integer"),
    ("/api/book/BTC-USDT?depth=0", "depth", "between 1 and 1000"),
    ("/api/book/BTC-USDT?depth=1001", "depth", "between 1 and 1000"),
    ("/api/book/BTC-USDT?depth=-3", "depth", "between"),
    ("/api/book/BTC-USDT?depth=5&depth=6", "depth", "more than once"),
    ("/api/book/BTC-USDT?dept=5", "dept", "unknown parameter"),
    ("/api/book/BTC-USDT?group=abc", "group", "positive decimal"),
    ("/api/book/BTC-USDT?group=0", "group", "positive decimal"),
    ("/api/book/BTC-USDT?group=-0.5", "group", "positive decimal"),
    ("/api/book/BTC-USDT?group=NaN", "group", "positive decimal"),
    ("/api/book/BTC-USDT?group=Infinity", "group", "positive decimal"),
    ("/api/book/BTC-USDT?group=1e-30", "group", "out of range"),
    ("/api/book/BTC-USDT?venue=kraken", "venue", "not in this pair"),
    ("/api/book/BTC-USDT?venue=binance:ETHUSDT", "venue", "not in this pair"),
    ("/api/book/BTC-USDT?venue=binance&group=1", "group", "exact"),
    ("/api/bars/BTC-USDT", "metric", "required"),
    ("/api/bars/BTC-USDT?metric=spread%3Bdrop", "metric", "not a metric name"),
    ("/api/bars/BTC-USDT?metric=nope", "metric", "not a metric of BTC-USDT"),
    ("/api/bars/BTC-USDT?metric=spread&interval=5m", "interval", "unknown value"),
    ("/api/bars/BTC-USDT?metric=spread&start=yesterday", "start", "ISO 8601"),
    ("/api/bars/BTC-USDT?metric=spread&end=2026-13-45", "end", "ISO 8601"),
    (
        "/api/bars/BTC-USDT?metric=spread&start=2026-11-29T05:00:00Z&end=2026-11-29T04:00:00Z",
        "start",
        "before end",
    ),
    (
        "/api/bars/BTC-USDT?metric=spread&interval=1s&start=2026-11-28T00:00:00Z&end=2026-11-29T00:00:00Z",
        "start",
        "more than 5000",
    ),
    ("/api/bars/BTC-USDT?metric=spread&window=5", "window", "unknown parameter"),
    ("/api/trades/BTC-USDT?limit=0", "limit", "between 1 and 1000"),
    ("/api/trades/BTC-USDT?limit=100000", "limit", "between 1 and 1000"),
    ("/api/trades/BTC-USDT?limit=ten", "limit", "integer"),
    ("/api/trades/BTC-USDT?start=1795000000&end=1794000000", "start", "before end"),
    ("/api/trades/BTC-USDT?start=99999999999999", "start", "out of range"),
    ("/api/trades/BTC-USDT?since=1", "since", "unknown parameter"),
]


@pytest.mark.parametrize(("url", "param", "reason"), BAD)
def test_bad_parameter_is_a_400_with_the_reason(client, seeded, url, param, reason):
    response = client.get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["param"] == param
    assert reason in body["error"]


@pytest.mark.parametrize(
    "url", ["/api/book/DOGE-EUR", "/api/bars/DOGE-EUR?metric=spread", "/api/trades/DOGE-EUR"]
)
def test_unknown_pair_is_a_404_listing_the_known_ones(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "DOGE-EUR" in response.json()["error"] and "BTC-USDT" in response.json()["error"]


@pytest.mark.parametrize("url", ["/api/pairs", "/api/book/BTC-USDT", "/api/trades/BTC-USDT"])
def test_the_api_is_read_only(client, seeded, url):
    assert client.post(url, {}).status_code == 405
    assert client.delete(url).status_code == 405
