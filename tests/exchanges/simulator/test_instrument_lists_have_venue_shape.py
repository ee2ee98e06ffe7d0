"""exchangeInfo and get_instruments list the simulated instruments in each venue's own shape."""

import json


async def get(http, url):
    async with http.get(url) as r:
        assert r.status == 200
        return await r.json()


async def test_binance_exchange_info(start_sim, http):
    sim = await start_sim(seed=43, rate=0)
    ep = sim.endpoints()
    spot = await get(http, f"{ep['binance'].rest_url}/api/v3/exchangeInfo")
    btc = next(s for s in spot["symbols"] if s["symbol"] == "BTCUSDT")
    assert (btc["baseAsset"], btc["quoteAsset"], btc["status"]) == ("BTC", "USDT", "TRADING")
    filters = {f["filterType"]: f for f in btc["filters"]}
    assert filters["PRICE_FILTER"]["tickSize"] == "0.01" and filters["LOT_SIZE"]["stepSize"] == "0.00001"
    assert {"ETHUSDT", "SOLUSDT", "ETHBTC"} <= {s["symbol"] for s in spot["symbols"]}

    usdm = await get(http, f"{ep['binance-usdm'].rest_url}/fapi/v1/exchangeInfo")
    btc = next(s for s in usdm["symbols"] if s["symbol"] == "BTCUSDT")
    assert btc["contractType"] == "PERPETUAL" and btc["pair"] == "BTCUSDT"

    coinm = await get(http, f"{ep['binance-coinm'].rest_url}/dapi/v1/exchangeInfo")
    sizes = {s["symbol"]: s["contractSize"] for s in coinm["symbols"]}
    assert sizes == {"BTCUSD_PERP": 100, "ETHUSD_PERP": 10}
    assert next(s for s in coinm["symbols"] if s["symbol"] == "BTCUSD_PERP")["pair"] == "BTCUSD"


async def test_deribit_get_instruments_rest_and_socket(start_sim, http):
    sim = await start_sim(seed=43, rate=0)
    ep = sim.endpoints()["deribit"]
    rest = await get(http, f"{ep.rest_url}/api/v2/public/get_instruments?currency=BTC&expired=false")
    [btc] = rest["result"]
    assert btc["instrument_name"] == "BTC-PERPETUAL" and btc["kind"] == "future"
    assert (btc["contract_size"], btc["tick_size"], btc["settlement_currency"]) == (10, 0.5, "BTC")
    assert btc["is_active"] is True and btc["instrument_type"] == "reversed"
    async with http.ws_connect(ep.ws_url) as ws:
        params = {"currency": "ETH"}
        await ws.send_str(
            json.dumps({"jsonrpc": "2.0", "id": 9, "method": "public/get_instruments", "params": params})
        )
        answer = await ws.receive_json(timeout=2)
    assert [i["instrument_name"] for i in answer["result"]] == ["ETH-PERPETUAL"]
    assert answer["result"][0]["tick_size"] == 0.05
