"""Where each venue's instrument list is fetched, honouring a REST override (proxy, simulator)."""

import pytest

from exchanges.instrument_lists import instruments_url, instruments_urls


def test_binance_family_uses_the_venue_path():
    assert instruments_url("binance") == "https://api.binance.com/api/v3/exchangeInfo"
    assert (
        instruments_url("binance-usdm", "http://127.0.0.1:9/x/")
        == "http://127.0.0.1:9/x/fapi/v1/exchangeInfo"
    )
    assert instruments_urls("binance-coinm") == ["https://dapi.binance.com/dapi/v1/exchangeInfo"]


def test_deribit_is_asked_per_currency_without_expired_instruments():
    assert (
        instruments_url("deribit", currency="BTC")
        == "https://www.deribit.com/api/v2/public/get_instruments?currency=BTC&expired=false"
    )
    urls = instruments_urls("deribit", "http://h:1", ["ETH", "USDC"])
    assert urls == [
        "http://h:1/api/v2/public/get_instruments?currency=ETH&expired=false",
        "http://h:1/api/v2/public/get_instruments?currency=USDC&expired=false",
    ]
    with pytest.raises(ValueError):
        instruments_url("deribit")
