"""public/get_order_book, over REST and over the socket, is the truth at its change_id."""

import json
from decimal import Decimal

from books.numbers import decode_json


async def test_deribit_get_order_book_carries_change_id(start_sim, http):
    sim = await start_sim(seed=44, rate=0)
    sim.advance(10)
    truth = sim.true_book("deribit", "ETH-PERPETUAL")
    want_bids, want_asks = truth.top(5)
    ep = sim.endpoints()["deribit"]
    async with http.get(
        f"{ep.rest_url}/api/v2/public/get_order_book?instrument_name=ETH-PERPETUAL&depth=5"
    ) as r:
        rest = decode_json(await r.read())["result"]
    async with http.ws_connect(ep.ws_url) as ws:
        params = {"instrument_name": "ETH-PERPETUAL", "depth": 5}
        await ws.send_str(
            json.dumps({"jsonrpc": "2.0", "id": 2, "method": "public/get_order_book", "params": params})
        )
        socket = decode_json(await ws.receive_str(timeout=2))["result"]
    for result in (rest, socket):
        assert result["change_id"] == truth.sequence
        assert [(Decimal(p), Decimal(q)) for p, q in result["bids"]] == want_bids
        assert [(Decimal(p), Decimal(q)) for p, q in result["asks"]] == want_asks
