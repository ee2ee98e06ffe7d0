"""Each recorded URL answers its bodies in recorded order, one per request; then the last repeats."""

import aiohttp

from exchanges.replay.server import ReplayServer
from tests.exchanges.replay.conftest import SPOT_REST, line


async def test_http_answers_in_order_then_repeat():
    lines = [
        line("http", f"{SPOT_REST}?symbol=BTCUSDT&limit=1000", '{"lastUpdateId":1}'),
        line("http", f"{SPOT_REST}?symbol=ETHUSDT&limit=1000", '{"lastUpdateId":9}'),
        line("http", f"{SPOT_REST}?symbol=BTCUSDT&limit=1000", '{"lastUpdateId":2}'),
    ]
    async with ReplayServer(lines) as server, aiohttp.ClientSession() as http:
        url = server.endpoints()["binance"].rest_url + "/api/v3/depth?symbol=BTCUSDT&limit=1000"
        bodies = []
        for _ in range(4):
            async with http.get(url) as resp:
                assert resp.status == 200
                bodies.append(await resp.text())
    assert bodies == ['{"lastUpdateId":1}', '{"lastUpdateId":2}', '{"lastUpdateId":2}', '{"lastUpdateId":2}']
