"""Deribit: the first notification is a snapshot, every change chains by prev_change_id, and the
client's book ends equal to the truth; prices and amounts are JSON numbers on the tick grid."""

import asyncio
import json
from decimal import Decimal

import aiohttp

from tests.exchanges.simulator.clients import DeribitBook, book_of, until


async def test_deribit_snapshot_and_changes_match_truth(start_sim, http):
    sim = await start_sim(seed=21, rate=50.0)
    book = DeribitBook()
    frames: list[str] = []
    async with http.ws_connect(sim.endpoints()["deribit"].ws_url) as ws:
        await ws.send_str(
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": 7,
                    "method": "public/subscribe",
                    "params": {"channels": ["book.BTC-PERPETUAL.100ms"]},
                }
            )
        )

        async def read() -> None:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    frames.append(msg.data)
                    book.on_frame(msg.data)

        reader = asyncio.get_running_loop().create_task(read())
        await until(lambda: book.changes > 20, what="changes applied")
        sim.pause()
        truth = sim.true_book("deribit", "BTC-PERPETUAL")
        await until(lambda: book.change_id == truth.sequence, what="client caught up")
        reader.cancel()
    answer = json.loads(frames[0])
    assert answer["id"] == 7 and answer["result"] == ["book.BTC-PERPETUAL.100ms"]
    assert json.loads(frames[1])["params"]["data"]["type"] == "snapshot"
    change = json.loads(frames[2])["params"]["data"]
    assert change["type"] == "change" and isinstance(change["prev_change_id"], int)
    entry = (change["bids"] or change["asks"])[0]
    assert isinstance(entry[1], int | float) and isinstance(entry[2], int | float)
    assert book.gaps == 0 and book.rejected == 0
    assert (book.bids, book.asks) == book_of(truth)
    # BTC-PERPETUAL: price tick 0.5 USD, amounts in multiples of 10 USD.
    assert all(p % Decimal("0.5") == 0 and q % 10 == 0 for p, q in book.bids.items())
