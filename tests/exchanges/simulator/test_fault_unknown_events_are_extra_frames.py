"""unknown: extra frames of an event type nobody knows (Binance) or on a channel nobody asked for
(Deribit); the real frames still come, unchanged."""

import json

from exchanges.simulator import FaultSpec


async def test_binance_unknown_event(start_sim, http):
    sim = await start_sim(seed=38, rate=50.0, faults=FaultSpec.parse("unknown=0.5"))
    kinds: list[str] = []
    async with http.ws_connect(
        f"{sim.endpoints()['binance-coinm'].ws_url}/stream?streams=btcusd_perp@depth@100ms"
    ) as ws:
        while "someNewEvent" not in kinds or "depthUpdate" not in kinds:
            frame = await ws.receive_json(timeout=3)
            assert frame["stream"] == "btcusd_perp@depth@100ms"
            kinds.append(frame["data"]["e"])
    assert sim.stats()["faults"]["unknown"] >= 1


async def test_deribit_unknown_channel(start_sim, http):
    sim = await start_sim(seed=38, rate=50.0, faults=FaultSpec.parse("unknown=0.5"))
    async with http.ws_connect(sim.endpoints()["deribit"].ws_url) as ws:
        params = {"channels": ["book.BTC-PERPETUAL.100ms"]}
        await ws.send_str(
            json.dumps({"jsonrpc": "2.0", "id": 1, "method": "public/subscribe", "params": params})
        )
        channels: set[str] = set()
        while not any(c.startswith("simulated.unknown") for c in channels):
            msg = await ws.receive_json(timeout=3)
            if msg.get("method") == "subscription":
                channels.add(msg["params"]["channel"])
    assert "book.BTC-PERPETUAL.100ms" in channels
