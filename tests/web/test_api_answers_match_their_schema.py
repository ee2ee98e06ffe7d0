"""Real answers of the API validate against the schema /api/schema documents for them (200s and
errors), checked by openapi-schema-validator."""

from datetime import UTC, datetime

import pytest
from openapi_schema_validator import OAS30Validator

from analytics.models import MetricBar
from books.models import Trade
from exchanges.models import Instrument
from tests.web.payloads import sample


@pytest.fixture
def schema(client, seeded) -> dict:
    return client.get("/api/schema").json()


def _check(schema: dict, path: str, response) -> None:
    documented = schema["paths"][path]["get"]["responses"][str(response.status_code)]
    shape = documented["content"]["application/json"]["schema"]
    validator = OAS30Validator({**shape, "components": schema["components"]})
    errors = [e.message for e in validator.iter_errors(response.json())]
    assert not errors, (path, response.status_code, errors[:3])


def test_answers_validate(client, live, schema):
    live.put("BTC-USDT", sample(crossed=None))
    Trade.objects.create(
        instrument=Instrument.objects.get(exchange__venue="binance", symbol="BTCUSDT"),
        time=datetime(2026, 11, 29, 4, 0, 1, tzinfo=UTC),
        trade_id="1",
        price="65000",
        quantity="0.5",
        taker_side="sell",
    )
    MetricBar.objects.create(
        time=datetime(2026, 11, 29, 4, 0, tzinfo=UTC),
        pair="BTC-USDT",
        metric="mid",
        interval="1m",
        open=1,
        high=2,
        low=0.5,
        close=1.5,
        mean=1.2,
        count=60,
    )
    window = "start=2026-11-29T04:00:00Z&end=2026-11-29T04:05:00Z"
    cases = [
        ("/api/pairs", "/api/pairs"),
        ("/api/book/{pair}", "/api/book/BTC-USDT?depth=2"),
        ("/api/book/{pair}", "/api/book/BTC-USDT?group=1"),
        ("/api/book/{pair}", "/api/book/BTC-USDT?venue=deribit"),
        ("/api/book/{pair}", "/api/book/BTC-USDT?depth=x"),
        ("/api/book/{pair}", "/api/book/DOGE-EUR"),
        ("/api/trades/{pair}", f"/api/trades/BTC-USDT?{window}&limit=1"),
        ("/api/bars/{pair}", f"/api/bars/BTC-USDT?metric=mid&{window}"),
        ("/api/bars/{pair}", "/api/bars/BTC-USDT?metric=mid&interval=2h"),
    ]
    for path, url in cases:
        _check(schema, path, client.get(url))
