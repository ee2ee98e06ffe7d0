"""pause(): no more book changes, while connections stay open and Binance's ping frames go on;
resume() moves the books again. Also through POST /control/pause and /control/resume."""

import aiohttp

from tests.exchanges.simulator.clients import until


async def test_pause_keeps_connections_and_pings(start_sim, http):
    sim = await start_sim(seed=45, rate=50.0, ping_interval=0.1)
    base = f"http://127.0.0.1:{sim.port}"
    truth = sim.true_book("binance", "BTCUSDT")
    async with http.ws_connect(f"{sim.endpoints()['binance'].ws_url}/ws/btcusdt@trade", autoping=False) as ws:
        async with http.post(f"{base}/control/pause") as r:
            assert r.status == 200
        paused_at = truth.sequence
        pings = 0
        while pings < 3:
            msg = await ws.receive(timeout=2)
            if msg.type == aiohttp.WSMsgType.PING:
                pings += 1
                await ws.pong(msg.data)
        assert truth.sequence == paused_at and not ws.closed
        async with http.post(f"{base}/control/resume") as r:
            assert r.status == 200
        await until(lambda: truth.sequence > paused_at, what="books move again")
