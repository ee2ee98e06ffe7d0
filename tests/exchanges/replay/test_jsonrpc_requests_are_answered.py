"""Client requests get well-formed answers with their id; get_order_book and a resubscribe are
served from the recorded order book; Binance SUBSCRIBE gets {"result": null, "id": N}."""

import json
from decimal import Decimal

import aiohttp

from exchanges.replay.server import ReplayServer
from tests.exchanges.replay.conftest import DERIBIT_WS, SPOT_WS, line

BOOK_URL = "https://www.deribit.com/api/v2/public/get_order_book?instrument_name=BTC-PERPETUAL&depth=5"
RECORDED_BOOK = (
    '{"jsonrpc":"2.0","result":{"timestamp":1700000000000,"instrument_name":"BTC-PERPETUAL",'
    '"change_id":77,"bids":[[65000.5,1200.0]],"asks":[[65001.0,0.1]]}}'
)


def rpc(ident: int, method: str, **params) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})


async def answers(ws, count: int) -> list[dict]:
    out = []
    while len(out) < count:
        msg = await ws.receive(timeout=5)
        out.append(json.loads(msg.data, parse_float=Decimal))
    return out


async def test_jsonrpc_requests_are_answered():
    lines = [line("open", DERIBIT_WS), line("http", BOOK_URL, RECORDED_BOOK)]
    channel = "book.BTC-PERPETUAL.100ms"
    async with ReplayServer(lines) as server, aiohttp.ClientSession() as http:
        async with http.ws_connect(server.endpoints()["deribit"].ws_url) as ws:
            await ws.send_str(rpc(1, "public/set_heartbeat", interval=10))
            await ws.send_str(rpc(2, "public/test"))
            await ws.send_str(rpc(3, "public/subscribe", channels=[channel]))
            await ws.send_str(rpc(4, "public/get_order_book", instrument_name="BTC-PERPETUAL", depth=5))
            await ws.send_str(rpc(5, "public/get_order_book", instrument_name="ETH-PERPETUAL"))
            await ws.send_str(rpc(6, "public/unsubscribe", channels=[channel]))
            await ws.send_str(rpc(7, "public/subscribe", channels=[channel]))
            got = await answers(ws, 8)
    by_id = {m["id"]: m for m in got if "id" in m}
    assert by_id[1]["result"] == "ok"
    assert "version" in by_id[2]["result"]
    assert by_id[3]["result"] == [channel]
    assert by_id[4]["result"]["change_id"] == 77
    assert by_id[4]["result"]["bids"] == [[Decimal("65000.5"), Decimal("1200.0")]]
    assert by_id[5]["error"]["code"] and "result" not in by_id[5]
    assert by_id[6]["result"] == [channel]
    assert by_id[7]["result"] == [channel]
    (snapshot,) = [m for m in got if m.get("method") == "subscription"]
    assert snapshot["params"]["channel"] == channel
    data = snapshot["params"]["data"]
    assert (data["type"], data["change_id"], data["instrument_name"]) == ("snapshot", 77, "BTC-PERPETUAL")
    assert data["bids"] == [["new", Decimal("65000.5"), Decimal("1200.0")]]
    assert data["asks"] == [["new", Decimal("65001.0"), Decimal("0.1")]]
    assert all(m.get("jsonrpc") == "2.0" for m in got)


async def test_binance_subscribe_is_answered():
    async with ReplayServer([line("open", SPOT_WS)]) as server, aiohttp.ClientSession() as http:
        async with http.ws_connect(server.endpoints()["binance"].ws_url + "/stream") as ws:
            await ws.send_str('{"method":"SUBSCRIBE","params":["ethusdt@depth@100ms"],"id":12}')
            msg = await ws.receive(timeout=5)
    assert json.loads(msg.data) == {"result": None, "id": 12}
