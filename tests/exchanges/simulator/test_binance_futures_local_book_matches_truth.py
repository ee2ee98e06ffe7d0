"""USD-M and COIN-M streams follow the futures rules (`pu` chains events; the first event straddles
`lastUpdateId`), and a client using them ends with exactly the truth."""

import pytest

from tests.exchanges.simulator.clients import binance_book, book_of, until


@pytest.mark.parametrize(
    ("venue", "symbol", "ws_path"),
    [
        ("binance-usdm", "ETHUSDT", "/public"),
        ("binance-usdm", "BTCUSDT", ""),
        ("binance-coinm", "BTCUSD_PERP", ""),
    ],
)
async def test_binance_futures_local_book_matches_truth(start_sim, http, venue, symbol, ws_path):
    sim = await start_sim(seed=12, rate=50.0)
    book, ws, reader = await binance_book(http, sim, venue, symbol, ws_path=ws_path)
    await until(lambda: book.synced and book.events > 20, what="applied events")
    sim.pause()
    truth = sim.true_book(venue, symbol)
    await until(lambda: book.last == truth.sequence, what="client caught up with the truth")
    assert book.gaps == 0 and book.rejected == 0
    assert (book.bids, book.asks) == book_of(truth)
    if venue == "binance-coinm":
        # COIN-M quantities are whole contracts.
        assert all(q == q.to_integral_value() for q in book.bids.values())
    await ws.close()
    reader.cancel()
