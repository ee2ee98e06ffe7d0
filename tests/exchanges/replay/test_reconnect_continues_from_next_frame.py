"""A client that reconnects gets the host's frames from the first one it has not been sent."""

import aiohttp

from exchanges.replay.server import ReplayServer
from tests.exchanges.replay.conftest import SPOT_WS, frame, line, receive_texts

STREAM = "btcusdt@depth@100ms"
SUBSCRIBE = '{"method":"SUBSCRIBE","params":["btcusdt@depth@100ms"],"id":1}'


async def test_reconnect_continues_from_next_frame():
    # The recorded subscribe holds frames 3.. back until the client subscribes: the first
    # socket is sure to get frames 1 and 2 only.
    lines = [
        line("open", SPOT_WS),
        line("ws", SPOT_WS, frame(STREAM, 1)),
        line("ws", SPOT_WS, frame(STREAM, 2)),
    ]
    lines += [line("sent", SPOT_WS, SUBSCRIBE)] + [line("ws", SPOT_WS, frame(STREAM, n)) for n in (3, 4, 5)]
    async with ReplayServer(lines) as server, aiohttp.ClientSession() as http:
        url = server.endpoints()["binance"].ws_url + "/ws"
        async with http.ws_connect(url) as ws:
            first = await receive_texts(ws, 2)
        async with http.ws_connect(url) as ws:
            await ws.send_str(SUBSCRIBE)
            answer, *rest = await receive_texts(ws, 4)
        await server.wait_exhausted()
    assert first == [frame(STREAM, 1), frame(STREAM, 2)]
    assert answer == '{"result":null,"id":1}'
    assert rest == [frame(STREAM, n) for n in (3, 4, 5)]
