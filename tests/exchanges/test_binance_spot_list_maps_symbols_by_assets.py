"""Binance spot's exchangeInfo gives each symbol's pair from baseAsset/quoteAsset, so symbols that
string surgery gets wrong (ETCBTC, USDCUSDT) map right, with the exact tick size."""

from decimal import Decimal

from exchanges.instrument_lists import parse_binance_exchange_info
from tests.exchanges.recorded_lists import recorded_list


def test_spot_symbols_map_to_canonical_pairs_from_the_recorded_list():
    listed = {i.symbol: i for i in parse_binance_exchange_info("binance", recorded_list("binance").encode())}

    assert len(listed) > 1000
    assert listed["NKNUSDT"].pair == "NKN-USDT"
    assert listed["ETCBTC"].pair == "ETC-BTC"
    assert listed["USDCUSDT"].pair == "USDC-USDT"
    assert listed["BTCUSDT"].pair == "BTC-USDT"
    nkn = listed["NKNUSDT"]
    assert (nkn.venue, nkn.kind, nkn.contract_size, nkn.active) == ("binance", "spot", None, True)
    assert nkn.tick_size == Decimal("0.0001")
    assert isinstance(nkn.tick_size, Decimal)


def test_spot_symbols_not_trading_are_listed_as_inactive():
    listed = parse_binance_exchange_info("binance", recorded_list("binance"))

    inactive = [i for i in listed if not i.active]
    assert inactive, "the recorded list holds symbols in BREAK"
    assert len(inactive) < len(listed) / 2
