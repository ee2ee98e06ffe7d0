"""A GET matches on host, path and the instrument parameters: another limit/depth still matches,
another instrument does not (404 with a JSON error)."""

import aiohttp

from exchanges.replay.server import ReplayServer
from tests.exchanges.replay.conftest import SPOT_REST, line

BOOK = "https://www.deribit.com/api/v2/public/get_order_book"


async def test_http_match_ignores_limit():
    lines = [
        line("http", f"{SPOT_REST}?symbol=BTCUSDT&limit=1000", '{"lastUpdateId":1}'),
        line("http", f"{BOOK}?instrument_name=BTC-PERPETUAL&depth=1000", '{"result":{}}'),
    ]
    async with ReplayServer(lines) as server, aiohttp.ClientSession() as http:
        binance = server.endpoints()["binance"].rest_url
        deribit = server.endpoints()["deribit"].rest_url
        async with http.get(f"{binance}/api/v3/depth?limit=5000&symbol=BTCUSDT") as resp:
            assert (resp.status, await resp.text()) == (200, '{"lastUpdateId":1}')
        async with http.get(
            f"{deribit}/api/v2/public/get_order_book?instrument_name=BTC-PERPETUAL&depth=5"
        ) as resp:
            assert (resp.status, await resp.text()) == (200, '{"result":{}}')
        async with http.get(f"{binance}/api/v3/depth?symbol=ETHUSDT&limit=1000") as resp:
            assert resp.status == 404
            assert "error" in await resp.json()
