"""Deribit's heartbeat: after public/set_heartbeat the server sends test_request every interval;
a client that answers with public/test stays, one that does not is disconnected."""

import json

import aiohttp

from exchanges.simulator import FaultSpec


def rpc(ident: int, method: str, params: dict) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})


async def test_unanswered_test_request_closes_the_connection(start_sim, http):
    sim = await start_sim(
        seed=34, rate=0, faults=FaultSpec.parse("heartbeat_close=1"), deribit_min_heartbeat=0.1
    )
    async with http.ws_connect(sim.endpoints()["deribit"].ws_url) as ws:
        await ws.send_str(rpc(1, "public/set_heartbeat", {"interval": 0.2}))
        assert (await ws.receive_json(timeout=2))["result"] == "ok"
        request = await ws.receive_json(timeout=2)
        assert request == {"jsonrpc": "2.0", "method": "heartbeat", "params": {"type": "test_request"}}
        msg = await ws.receive(timeout=2)  # we do not answer
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    assert sim.stats()["faults"]["heartbeat_close"] == 1


async def test_answered_test_requests_keep_the_connection(start_sim, http):
    sim = await start_sim(seed=34, rate=0, deribit_min_heartbeat=0.1)
    async with http.ws_connect(sim.endpoints()["deribit"].ws_url) as ws:
        await ws.send_str(rpc(1, "public/set_heartbeat", {"interval": 0.1}))
        answered = 0
        while answered < 4:
            msg = await ws.receive_json(timeout=2)
            if msg.get("method") == "heartbeat":
                answered += 1
                await ws.send_str(rpc(100 + answered, "public/test", {}))
            elif msg.get("id", 0) > 100:
                assert msg["result"] == {"version": "1.2.26"}
        assert not ws.closed
    assert "heartbeat_close" not in sim.stats()["faults"]


async def test_heartbeat_interval_below_minimum_is_refused(start_sim, http):
    sim = await start_sim(seed=34, rate=0)
    async with http.ws_connect(sim.endpoints()["deribit"].ws_url) as ws:
        await ws.send_str(rpc(1, "public/set_heartbeat", {"interval": 5}))
        answer = await ws.receive_json(timeout=2)
    assert answer["id"] == 1 and answer["error"]["code"] == -32602
