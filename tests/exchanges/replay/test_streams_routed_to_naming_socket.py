"""With two sockets to one host, each stream's frames go to the socket that named it; a stream
nobody named goes to the oldest socket, all of it."""

import json

import aiohttp

from exchanges.replay.server import ReplayServer
from tests.exchanges.replay.conftest import DERIBIT_WS, USDM_WS, frame, line, receive_texts

DEPTH, TRADES, KLINE = "btcusdt@depth@100ms", "btcusdt@aggtrade", "btcusdt@kline_1m"


async def test_streams_routed_to_naming_socket():
    streams = [DEPTH, TRADES, KLINE, DEPTH, TRADES, KLINE, DEPTH]
    lines = [line("open", USDM_WS)] + [line("ws", USDM_WS, frame(s, n)) for n, s in enumerate(streams)]
    async with ReplayServer(lines) as server, aiohttp.ClientSession() as http:
        base = server.endpoints()["binance-usdm"].ws_url
        async with (
            http.ws_connect(f"{base}/public/stream?streams=btcusdt@depth@100ms") as public,
            http.ws_connect(f"{base}/market/stream?streams=btcusdt@aggTrade") as market,
        ):
            got_public = await receive_texts(public, 5)
            got_market = await receive_texts(market, 2)
            await server.wait_exhausted()
    assert [json.loads(f)["stream"] for f in got_market] == [TRADES, TRADES]
    assert [json.loads(f)["stream"] for f in got_public] == [DEPTH, KLINE, DEPTH, KLINE, DEPTH]
    assert [json.loads(f)["data"]["n"] for f in got_public] == [0, 2, 3, 5, 6]


async def test_deribit_notifications_follow_the_subscribing_socket():
    def notification(instrument: str, n: int) -> str:
        channel = f"book.{instrument}.raw"
        return json.dumps(
            {"jsonrpc": "2.0", "method": "subscription", "params": {"channel": channel, "data": n}}
        )

    def subscribe(instrument: str) -> str:
        params = {"channels": [f"book.{instrument}.100ms"]}
        return json.dumps({"jsonrpc": "2.0", "id": 1, "method": "public/subscribe", "params": params})

    order = ["BTC-PERPETUAL", "ETH-PERPETUAL", "BTC-PERPETUAL", "ETH-PERPETUAL"]
    lines = [line("open", DERIBIT_WS), line("sent", DERIBIT_WS, subscribe("BTC-PERPETUAL"))]
    lines += [line("sent", DERIBIT_WS, subscribe("ETH-PERPETUAL"))]
    lines += [line("ws", DERIBIT_WS, notification(name, n)) for n, name in enumerate(order)]
    async with ReplayServer(lines) as server, aiohttp.ClientSession() as http:
        url = server.endpoints()["deribit"].ws_url
        async with http.ws_connect(url) as btc, http.ws_connect(url) as eth:
            await btc.send_str(subscribe("BTC-PERPETUAL"))
            await eth.send_str(subscribe("ETH-PERPETUAL"))
            got_btc = [json.loads(f) for f in await receive_texts(btc, 3)]
            got_eth = [json.loads(f) for f in await receive_texts(eth, 3)]
    assert [m.get("params", {}).get("data") for m in got_btc] == [None, 0, 2]
    assert [m.get("params", {}).get("data") for m in got_eth] == [None, 1, 3]
