"""A client following Binance's documented spot algorithm (stream, then REST snapshot) ends with
exactly the simulator's truth once the market pauses."""

from tests.exchanges.simulator.clients import binance_book, book_of, until


async def test_binance_spot_local_book_matches_truth(start_sim, http):
    sim = await start_sim(seed=11, rate=50.0)
    book, ws, reader = await binance_book(http, sim, "binance", "BTCUSDT")
    await until(lambda: book.synced and book.events > 20, what="applied events")
    sim.pause()
    truth = sim.true_book("binance", "BTCUSDT")
    await until(lambda: book.last == truth.sequence, what="client caught up with the truth")
    assert book.gaps == 0 and book.rejected == 0
    assert (book.bids, book.asks) == book_of(truth)
    await ws.close()
    reader.cancel()
