"""After a cut, a stream a socket had named waits for a socket naming it again, even when another
socket of the client reconnects first: one stream's frames never land on the wrong socket."""

import json

import aiohttp
from aiohttp import WSMsgType

from exchanges.replay import ws_host
from exchanges.replay.server import ReplayServer
from tests.exchanges.replay.conftest import USDM_WS, frame, line, receive_texts

DEPTH, TRADES = "btcusdt@depth@100ms", "btcusdt@aggtrade"


async def test_reconnected_stream_waits_for_its_socket(monkeypatch):
    # No grace for streams nobody named: only the "named before" rule can hold the depth frame back.
    monkeypatch.setattr(ws_host, "ROUTE_GRACE", 0.0)
    # Two recorded subscribe calls hold the first frames until both sockets are open and subscribed.
    subscribe = '{"method":"SUBSCRIBE","params":[],"id":1}'
    lines = [line("open", USDM_WS), line("sent", USDM_WS, subscribe), line("sent", USDM_WS, subscribe)]
    lines += [line("ws", USDM_WS, frame(DEPTH, 0)), line("ws", USDM_WS, frame(TRADES, 1))]
    lines += [
        line("open", USDM_WS),
        line("ws", USDM_WS, frame(TRADES, 2)),
        line("ws", USDM_WS, frame(DEPTH, 3)),
    ]
    async with ReplayServer(lines) as server, aiohttp.ClientSession() as http:
        base = server.endpoints()["binance-usdm"].ws_url
        public_url = f"{base}/public/stream?streams=btcusdt@depth@100ms"
        market_url = f"{base}/market/stream?streams=btcusdt@aggTrade"
        async with http.ws_connect(public_url) as public, http.ws_connect(market_url) as market:
            await public.send_str(subscribe)
            await market.send_str(subscribe)
            assert await receive_texts(public, 2) == ['{"result":null,"id":1}', frame(DEPTH, 0)]
            assert await receive_texts(market, 2) == ['{"result":null,"id":1}', frame(TRADES, 1)]
            # The recorded reconnect cuts both sockets.
            assert (await public.receive(timeout=5)).type in (
                WSMsgType.CLOSE,
                WSMsgType.CLOSING,
                WSMsgType.CLOSED,
            )
            assert (await market.receive(timeout=5)).type in (
                WSMsgType.CLOSE,
                WSMsgType.CLOSING,
                WSMsgType.CLOSED,
            )
        async with http.ws_connect(market_url) as market:
            got_market = await receive_texts(market, 1)
            async with http.ws_connect(public_url) as public:
                got_public = await receive_texts(public, 1)
        await server.wait_exhausted()
    assert [json.loads(f)["data"]["n"] for f in got_market] == [2]
    assert [json.loads(f)["data"]["n"] for f in got_public] == [3]
