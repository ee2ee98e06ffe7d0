"""REST depth: the book cut at `limit`, best first, numbers at the instrument's tick and step,
X-MBX-USED-WEIGHT-1M adding each request's weight; bad requests get Binance's errors."""

from decimal import Decimal


async def test_rest_depth_limit_and_weight(start_sim, http):
    sim = await start_sim(seed=42, rate=0)
    rest = sim.endpoints()["binance"].rest_url
    async with http.get(f"{rest}/api/v3/depth?symbol=BTCUSDT&limit=5") as r:
        small = await r.json()
        assert r.headers["X-MBX-USED-WEIGHT-1M"] == "5"
    async with http.get(f"{rest}/api/v3/depth?symbol=BTCUSDT&limit=1000") as r:
        assert r.headers["X-MBX-USED-WEIGHT-1M"] == "55"
    assert len(small["bids"]) == 5 and len(small["asks"]) == 5
    assert small["lastUpdateId"] == sim.true_book("binance", "BTCUSDT").sequence
    bids = [Decimal(p) for p, _ in small["bids"]]
    asks = [Decimal(p) for p, _ in small["asks"]]
    assert bids == sorted(bids, reverse=True) and asks == sorted(asks) and bids[0] < asks[0]
    price, qty = small["bids"][0]
    assert len(price.split(".")[1]) == 2 and len(qty.split(".")[1]) == 5  # tick 0.01, step 0.00001

    async with http.get(
        f"{sim.endpoints()['binance-usdm'].rest_url}/fapi/v1/depth?symbol=BTCUSDT&limit=1000"
    ) as r:
        futures = await r.json()
        assert r.headers["X-MBX-USED-WEIGHT-1M"] == "20"
    assert {"lastUpdateId", "E", "T", "bids", "asks"} <= set(futures)
    async with http.get(f"{sim.endpoints()['binance-coinm'].rest_url}/dapi/v1/depth?symbol=ETHUSD_PERP") as r:
        coinm = await r.json()
    assert coinm["symbol"] == "ETHUSD_PERP" and coinm["pair"] == "ETHUSD" and len(coinm["bids"]) <= 100

    async with http.get(f"{rest}/api/v3/depth") as r:
        assert r.status == 400 and (await r.json())["code"] == -1102
    async with http.get(f"{rest}/api/v3/depth?symbol=NOPE") as r:
        assert r.status == 400 and (await r.json())["code"] == -1121
