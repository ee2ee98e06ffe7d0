"""rest429 / rest418: Binance's error JSON with a Retry-After header; Deribit answers 429 with
its too_many_requests error."""

import pytest

from exchanges.simulator import FaultSpec


@pytest.mark.parametrize(("spec", "status"), [("rest429=1", 429), ("rest418=1", 418)])
async def test_binance_rest_error_carries_retry_after(start_sim, http, spec, status):
    sim = await start_sim(seed=33, rate=0, faults=FaultSpec.parse(spec), retry_after=7)
    url = f"{sim.endpoints()['binance'].rest_url}/api/v3/depth?symbol=BTCUSDT&limit=100"
    async with http.get(url) as r:
        body = await r.json()
        assert r.status == status
        assert r.headers["Retry-After"] == "7"
        assert "X-MBX-USED-WEIGHT-1M" in r.headers
    assert body["code"] == -1003 and body["msg"]
    assert sim.stats()["faults"][spec.split("=")[0]] == 1


async def test_deribit_rest_429_carries_retry_after(start_sim, http):
    sim = await start_sim(seed=33, rate=0, faults=FaultSpec.parse("rest429=1"))
    url = f"{sim.endpoints()['deribit'].rest_url}/api/v2/public/get_order_book?instrument_name=BTC-PERPETUAL&depth=5"
    async with http.get(url) as r:
        body = await r.json()
        assert r.status == 429
        assert int(r.headers["Retry-After"]) > 0
    assert body["error"]["code"] == 10028
