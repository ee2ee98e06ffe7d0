"""/api/cost/<pair>: every bad parameter is a 400 naming it, an unknown pair a 404, no book yet a 503."""

import pytest

from tests.analytics.cost_live import published  # noqa: F401 (fixture)

BAD = [
    ("/api/cost/BTC-USDT?size=1", "side", "required"),
    ("/api/cost/BTC-USDT?side=&size=1", "side", "required"),
    ("/api/cost/BTC-USDT?side=long&size=1", "side", "buy or sell"),
    ("/api/cost/BTC-USDT?side=BUY&size=1", "side", "buy or sell"),
    ("/api/cost/BTC-USDT?side=buy", "size", "required"),
    ("/api/cost/BTC-USDT?side=buy&size=0", "size", "greater than 0"),
    ("/api/cost/BTC-USDT?side=buy&size=-2.5", "size", "greater than 0"),
    ("/api/cost/BTC-USDT?side=buy&size=abc", "size", "must be a number"),
    ("/api/cost/BTC-USDT?side=buy&size=NaN", "size", "finite"),
    ("/api/cost/BTC-USDT?side=buy&size=Infinity", "size", "finite"),
    ("/api/cost/BTC-USDT?side=buy&size=1e99", "size", "out of range"),
    ("/api/cost/BTC-USDT?side=buy&size=1&unit=usd", "unit", "base or quote"),
    ("/api/cost/BTC-USDT?side=buy&size=1&size=2", "size", "more than once"),
    ("/api/cost/BTC-USDT?side=buy&size=1&venue=binance", "venue", "unknown parameter"),
]


@pytest.mark.parametrize(("url", "param", "reason"), BAD)
def test_bad_parameter_is_a_400_with_the_reason(client, published, url, param, reason):  # noqa: F811
    response = client.get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["param"] == param
    assert reason in body["error"]


def test_unknown_pair_is_a_404(client, published):  # noqa: F811
    response = client.get("/api/cost/DOGE-EUR?side=buy&size=1")
    assert response.status_code == 404
    assert "BTC-USDT" in response.json()["error"]


def test_a_pair_not_published_yet_is_a_503(client, seeded):
    from books.live import live_store

    live_store().clear()
    response = client.get("/api/cost/BTC-USDT?side=buy&size=1")
    assert response.status_code == 503 and response["Retry-After"] == "1"


def test_schema_documents_the_cost_endpoint(client, seeded):
    schema = client.get("/api/schema").json()
    operation = schema["paths"]["/api/cost/{pair}"]["get"]
    assert {p["name"]: p["required"] for p in operation["parameters"]} == {
        "pair": True,
        "side": True,
        "size": True,
        "unit": False,
    }
    assert {"400", "404"} <= set(operation["responses"])
