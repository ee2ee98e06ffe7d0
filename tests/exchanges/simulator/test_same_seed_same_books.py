"""The walk is deterministic: the same seed gives the same books after the same number of events,
whatever the faults; another seed gives other books."""

from exchanges.simulator import FaultSpec


async def snapshot(http, sim, venue, path, symbol):
    async with http.get(f"{sim.endpoints()[venue].rest_url}{path}?symbol={symbol}&limit=5000") as r:
        body = await r.json()
    return {k: body[k] for k in ("lastUpdateId", "bids", "asks")}  # E and T are wall-clock times


async def test_same_seed_same_books(start_sim, http):
    a = await start_sim(seed=5, rate=0)
    b = await start_sim(seed=5, rate=0, faults=FaultSpec.parse("gap=0.5,malformed=0.5"))
    c = await start_sim(seed=6, rate=0)
    for sim in (a, b, c):
        sim.advance(200)
    for venue, path, symbol in (
        ("binance", "/api/v3/depth", "BTCUSDT"),
        ("binance-usdm", "/fapi/v1/depth", "ETHUSDT"),
        ("binance-coinm", "/dapi/v1/depth", "BTCUSD_PERP"),
    ):
        assert await snapshot(http, a, venue, path, symbol) == await snapshot(http, b, venue, path, symbol)
        assert await snapshot(http, a, venue, path, symbol) != await snapshot(http, c, venue, path, symbol)
    da, db = a.true_book("deribit", "BTC-PERPETUAL"), b.true_book("deribit", "BTC-PERPETUAL")
    assert da.to_json() == db.to_json() and da.sequence == db.sequence
