"""SUBSCRIBE answers {"result":null,"id":N} and starts the stream on the same socket;
UNSUBSCRIBE stops it; LIST_SUBSCRIPTIONS lists what is running."""

import json


async def test_subscribe_starts_and_stops_streams(start_sim, http):
    sim = await start_sim(seed=41, rate=0)  # books move only when the test says so
    async with http.ws_connect(f"{sim.endpoints()['binance'].ws_url}/ws") as ws:
        await ws.send_str(json.dumps({"method": "SUBSCRIBE", "params": ["ethusdt@depth@100ms"], "id": 3}))
        assert await ws.receive_json(timeout=2) == {"result": None, "id": 3}
        sim.advance(3)
        events = [await ws.receive_json(timeout=2) for _ in range(3)]
        # A raw connection sends the events themselves, without the combined wrapper.
        assert [e["e"] for e in events] == ["depthUpdate"] * 3 and events[0]["s"] == "ETHUSDT"
        assert events[-1]["u"] == sim.true_book("binance", "ETHUSDT").sequence

        await ws.send_str(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 4}))
        assert await ws.receive_json(timeout=2) == {"result": ["ethusdt@depth@100ms"], "id": 4}
        await ws.send_str(json.dumps({"method": "UNSUBSCRIBE", "params": ["ethusdt@depth@100ms"], "id": 5}))
        assert await ws.receive_json(timeout=2) == {"result": None, "id": 5}
        sim.advance(3)
        # Frames leave in order: anything sent for those three events would come before this answer.
        await ws.send_str(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 6}))
        assert await ws.receive_json(timeout=2) == {"result": [], "id": 6}
