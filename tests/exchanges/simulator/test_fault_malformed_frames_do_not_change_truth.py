"""malformed: extra bad frames (invalid JSON, missing fields, bad numbers) carry the ids of the
next real event, so a client that rejects them keeps an exact book with no gap."""

import asyncio
import json

import aiohttp

from exchanges.simulator import FaultSpec
from tests.exchanges.simulator.clients import DeribitBook, binance_book, book_of, until


async def test_binance_malformed_frames_do_not_change_truth(start_sim, http):
    sim = await start_sim(seed=35, rate=50.0, faults=FaultSpec.parse("malformed=0.3"))
    book, ws, reader = await binance_book(http, sim, "binance-usdm", "BTCUSDT")
    await until(lambda: book.synced and book.rejected >= 5, what="malformed frames rejected")
    sim.pause()
    truth = sim.true_book("binance-usdm", "BTCUSDT")
    await until(lambda: book.last == truth.sequence, what="client caught up")
    assert book.gaps == 0
    assert (book.bids, book.asks) == book_of(truth)
    assert sim.stats()["faults"]["malformed"] >= book.rejected
    await ws.close()
    reader.cancel()


async def test_deribit_malformed_frames_do_not_change_truth(start_sim, http):
    sim = await start_sim(seed=36, rate=50.0, faults=FaultSpec.parse("malformed=0.3"))
    book = DeribitBook()
    async with http.ws_connect(sim.endpoints()["deribit"].ws_url) as ws:
        params = {"channels": ["book.ETH-PERPETUAL.100ms"]}
        await ws.send_str(
            json.dumps({"jsonrpc": "2.0", "id": 1, "method": "public/subscribe", "params": params})
        )

        async def read() -> None:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    book.on_frame(msg.data)

        reader = asyncio.get_running_loop().create_task(read())
        await until(lambda: book.rejected >= 5, what="malformed frames rejected")
        sim.pause()
        truth = sim.true_book("deribit", "ETH-PERPETUAL")
        await until(lambda: book.change_id == truth.sequence, what="client caught up")
        reader.cancel()
    assert book.gaps == 0
    assert (book.bids, book.asks) == book_of(truth)
