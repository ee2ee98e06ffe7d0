"""POST /control/stall?venue=V: that venue's books stop changing while it keeps working (its socket
stays open, its snapshot answers the still truth, not a cut inside an event that will not come),
and the other venues move on; /control/resume moves it again. /control/pause?venue=V is harsher:
the venue is down and refuses everything with 503 until resumed."""

from tests.exchanges.simulator.clients import until


async def _post(http, url: str) -> dict:
    async with http.post(url) as r:
        assert r.status == 200, await r.text()
        return await r.json()


async def test_a_stalled_venue_answers_with_its_still_book(start_sim, http):
    sim = await start_sim(seed=47, rate=50.0)
    base = f"http://127.0.0.1:{sim.port}"
    rest = sim.endpoints()["binance"].rest_url
    stalled = sim.true_book("binance", "BTCUSDT")
    other = sim.true_book("deribit", "BTC-PERPETUAL")
    async with http.ws_connect(f"{sim.endpoints()['binance'].ws_url}/ws/btcusdt@depth@100ms") as ws:
        await ws.receive_json(timeout=2)
        assert await _post(http, f"{base}/control/stall?venue=binance") == {"stalled": ["binance"]}
        at, other_at = stalled.sequence, other.sequence
        await until(lambda: other.sequence > other_at + 20, what="the other venues move on")
        assert stalled.sequence == at and not ws.closed
        async with http.get(f"{rest}/api/v3/depth?symbol=BTCUSDT&limit=5") as r:
            assert r.status == 200
            assert (await r.json())["lastUpdateId"] == at  # the truth itself: nothing more is coming

        assert await _post(http, f"{base}/control/resume?venue=binance") == {"paused": []}
        await until(lambda: stalled.sequence > at, what="the stalled venue moves again")
        assert not ws.closed


async def test_a_venue_taken_down_refuses_until_resumed(start_sim, http):
    sim = await start_sim(seed=48, rate=50.0)
    base = f"http://127.0.0.1:{sim.port}"
    rest = sim.endpoints()["binance"].rest_url
    await _post(http, f"{base}/control/pause?venue=binance")
    async with http.get(f"{rest}/api/v3/depth?symbol=BTCUSDT&limit=5") as r:
        assert r.status == 503
    async with http.post(f"{base}/control/stall") as r:
        assert r.status == 400  # a stall names its venue
    await _post(http, f"{base}/control/resume?venue=binance")
    async with http.get(f"{rest}/api/v3/depth?symbol=BTCUSDT&limit=5") as r:
        assert r.status == 200
