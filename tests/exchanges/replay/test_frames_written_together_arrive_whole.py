"""At --speed max the server writes runs of frames for one socket together; each still arrives as
the recorded text, whole and in order, whatever its length (the three lengths a WebSocket frame
header encodes: under 126 bytes, under 64 KiB, and more), with non-ASCII text intact."""

import aiohttp

from exchanges.replay.server import ReplayServer
from exchanges.replay.ws_host import BATCH_FRAMES
from tests.exchanges.replay.conftest import SPOT_WS, line, receive_texts


def recorded(n: int) -> str:
    size = (10, 300, 70_000, 125, 126, 65_535, 65_536)[n % 7]
    head = f'{{"stream":"btcusdt@depth@100ms","data":{{"n":{n},"pad":"é'
    return head + "x" * max(0, size - len(head.encode()) - 3) + '"}}'


async def test_frames_written_together_arrive_whole_and_in_order():
    frames = [recorded(n) for n in range(2 * BATCH_FRAMES + 5)]
    lines = [line("open", SPOT_WS)] + [line("ws", SPOT_WS, f) for f in frames]
    async with ReplayServer(lines) as server, aiohttp.ClientSession() as http:
        url = server.endpoints()["binance"].ws_url + "/stream?streams=btcusdt@depth@100ms"
        async with http.ws_connect(url, max_msg_size=0) as ws:
            got = await receive_texts(ws, len(frames))
        await server.wait_exhausted()
    assert got == frames
    assert server.frames() == {"binance": (len(frames), len(frames))}
