"""/ws/status/: the whole feed picture at once and every second, and each state change as it happens,
on the in-memory layer and on real Redis."""

import pytest
from django.conf import settings

from tests.web.sockets import connect, next_message


@pytest.mark.django_db(transaction=True)
async def test_picture_then_state_change(seeded, layer):
    client, connected = await connect("/ws/status/")
    assert connected
    picture = await next_message(client)
    assert picture["type"] == "status"
    assert picture["pairs"]["BTC-USDT"] == [
        "binance:BTCUSDT",
        "binance-coinm:BTCUSD_PERP",
        "binance-usdm:BTCUSDT",
        "deribit:BTC-PERPETUAL",
    ]
    assert {(r["venue"], r["symbol"]) for r in picture["instruments"]} >= {("deribit", "BTC-PERPETUAL")}
    await layer.group_send(
        settings.MARKETAGG["STATUS_GROUP"],
        {
            "type": "feed.state",
            "venue": "deribit",
            "symbol": "BTC-PERPETUAL",
            "state": "stale",
            "ts": 1.0,
            "reason": "no change for 30s",
        },
    )
    message = await next_message(client)
    while message["type"] != "state":  # a periodic picture may come first
        message = await next_message(client)
    assert message == {
        "type": "state",
        "venue": "deribit",
        "symbol": "BTC-PERPETUAL",
        "state": "stale",
        "ts": 1.0,
        "reason": "no change for 30s",
    }
    await client.disconnect()
