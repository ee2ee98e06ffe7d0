"""A browser asks for depth and price grouping; the socket sends exactly that view."""

import pytest

from tests.web.payloads import sample
from tests.web.sockets import connect, next_message


@pytest.mark.django_db(transaction=True)
async def test_depth_and_grouping_reach_the_next_message(seeded, live, layer):
    live.put("BTC-USDT", sample(version=7))
    client, connected = await connect("/ws/book/BTC-USDT/")
    assert connected
    await next_message(client)
    await client.send_json_to({"depth": 2, "group": "1"})
    view = await next_message(client)
    await client.disconnect()
    # Worked by hand from tests/web/payloads.py: bids floor to 100 (100.5 + 100.1) and 99;
    # asks ceil to 101 and 102 (101.25 + 102).
    assert view["depth"] == 2 and view["group"] == "1"
    assert view["bids"] == [
        ["100", "3.5", {"binance:BTCUSDT": "1.5", "binance-usdm:BTCUSDT": "2"}],
        ["99", "4", {"deribit:BTC-PERPETUAL": "4"}],
    ]
    assert view["asks"] == [
        ["101", "1", {"binance:BTCUSDT": "1"}],
        ["102", "7", {"binance-usdm:BTCUSDT": "2", "binance:BTCUSDT": "2", "deribit:BTC-PERPETUAL": "3"}],
    ]
