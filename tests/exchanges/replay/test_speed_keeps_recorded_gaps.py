"""`--speed N` keeps the recorded gaps between frames, N times faster."""

import time

import aiohttp

from exchanges.replay.server import ReplayServer
from tests.exchanges.replay.conftest import CAPTURES, SPOT_WS, frame, line, receive_texts
from tests.exchanges.replay.reference_books import read_lines, rebuild


async def test_speed_keeps_recorded_gaps():
    t0 = 1_700_000_000.0
    lines = [line("open", SPOT_WS, ts=t0)]
    lines += [line("ws", SPOT_WS, frame("btcusdt@depth@100ms", n), ts=t0 + n) for n in range(3)]
    async with ReplayServer(lines, speed=10) as server, aiohttp.ClientSession() as http:
        url = server.endpoints()["binance"].ws_url + "/stream?streams=btcusdt@depth@100ms"
        async with http.ws_connect(url) as ws:
            arrivals = []
            for _ in range(3):
                await receive_texts(ws, 1)
                arrivals.append(time.monotonic())
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    assert all(0.08 <= g < 0.5 for g in gaps), gaps  # recorded 1 s apart, played at 10x


def test_paced_replay_builds_the_same_books(capture_lines, replay_books):
    capture_lines("deribit-options")  # about 30 s recorded: 1.5 s at 20x
    path = CAPTURES / "deribit-options.jsonl"
    assert replay_books(path, "--speed", "20") == rebuild(read_lines(path))
