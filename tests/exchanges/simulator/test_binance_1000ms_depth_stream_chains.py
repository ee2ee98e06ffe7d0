"""`<symbol>@depth` (1000 ms) merges a second of changes into one event whose ids run on from the
previous one, so it syncs as well as the 100 ms stream."""

from tests.exchanges.simulator.clients import binance_book, book_of, until


async def test_binance_1000ms_depth_stream_chains(start_sim, http):
    sim = await start_sim(seed=13, rate=50.0)
    book, ws, reader = await binance_book(http, sim, "binance", "ETHUSDT", stream="depth")
    await until(lambda: book.synced and book.events >= 2, timeout=6, what="two merged seconds applied")
    sim.pause()
    truth = sim.true_book("binance", "ETHUSDT")
    await until(lambda: book.last == truth.sequence, timeout=3, what="the last merged second")
    assert book.gaps == 0
    assert (book.bids, book.asks) == book_of(truth)
    await ws.close()
    reader.cancel()
