"""A snapshot taken while the stream runs is cut inside the next event, as Binance's are: a client
that subscribed first always finds an event with U <= lastUpdateId <= u (futures rule) and
U <= lastUpdateId + 1 <= u (spot rule), even when it asks before any event arrived."""

import pytest


@pytest.mark.parametrize(
    ("venue", "path", "symbol"), [("binance-usdm", "/fapi/v1", "BTCUSDT"), ("binance", "/api/v3", "ETHUSDT")]
)
async def test_binance_snapshot_is_cut_inside_the_next_event(start_sim, http, venue, path, symbol):
    sim = await start_sim(seed=48, rate=20.0)
    ep = sim.endpoints()[venue]
    for _ in range(5):
        async with http.ws_connect(f"{ep.ws_url}/ws/{symbol.lower()}@depth@100ms") as ws:
            async with http.get(f"{ep.rest_url}{path}/depth?symbol={symbol}&limit=1000") as r:
                last_id = (await r.json())["lastUpdateId"]
            while True:
                event = await ws.receive_json(timeout=2)
                if event["u"] >= last_id:
                    break
            if venue == "binance":
                if event["u"] == last_id:  # already in the snapshot: the next one must follow on
                    event = await ws.receive_json(timeout=2)
                assert event["U"] <= last_id + 1 <= event["u"]
            else:
                assert event["U"] <= last_id <= event["u"]
