"""The server says "exhausted" once every recorded frame of every host has been sent."""

import aiohttp

from exchanges.replay.server import ReplayServer
from tests.exchanges.replay.conftest import DERIBIT_WS, SPOT_REST, SPOT_WS, frame, line, receive_texts


async def test_exhausted_when_every_frame_is_sent():
    lines = [line("open", SPOT_WS)] + [line("ws", SPOT_WS, frame("btcusdt@depth@100ms", n)) for n in range(3)]
    lines += [line("open", DERIBIT_WS), line("ws", DERIBIT_WS, '{"jsonrpc":"2.0","method":"heartbeat"}')]
    async with ReplayServer(lines) as server, aiohttp.ClientSession() as http:
        assert not server.exhausted
        async with http.ws_connect(server.endpoints()["binance"].ws_url + "/stream") as ws:
            await receive_texts(ws, 3)
        assert not server.exhausted  # Deribit's frame is still to go
        async with http.ws_connect(server.endpoints()["deribit"].ws_url) as ws:
            await receive_texts(ws, 1)
        await server.wait_exhausted()
        assert server.exhausted
        assert server.frames() == {"binance": (3, 3), "deribit": (1, 1)}


async def test_capture_without_frames_is_exhausted_at_once():
    async with ReplayServer([line("http", f"{SPOT_REST}?symbol=BTCUSDT", "{}")]) as server:
        assert server.exhausted
