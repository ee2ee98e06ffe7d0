"""USD-M and COIN-M exchangeInfo: perpetual or dated future from contractType; USD-M quantities are
in coin (contract size 1), COIN-M ones in contracts of contractSize USD."""

from decimal import Decimal

from exchanges.instrument_lists import parse_binance_exchange_info
from tests.exchanges.recorded_lists import recorded_list


def test_usdm_perpetuals_and_quarterlies():
    listed = {i.symbol: i for i in parse_binance_exchange_info("binance-usdm", recorded_list("binance-usdm"))}

    btc = listed["BTCUSDT"]
    assert (btc.pair, btc.kind, btc.contract_size, btc.tick_size) == (
        "BTC-USDT",
        "perpetual",
        1,
        Decimal("0.01"),
    )
    assert listed["BTCUSDT_210924"].kind == "future"
    assert listed["BTCUSDT_210924"].pair == "BTC-USDT"
    assert listed["NKNUSDT"].tick_size == Decimal("0.00001")
    # Listed with no contract type yet: nothing to stream, so not offered.
    assert "BTCSTUSDT" not in listed


def test_coinm_contracts_carry_their_contract_size():
    listed = {
        i.symbol: i for i in parse_binance_exchange_info("binance-coinm", recorded_list("binance-coinm"))
    }

    perp = listed["BTCUSD_PERP"]
    assert (perp.pair, perp.kind, perp.contract_size, perp.tick_size) == (
        "BTC-USD",
        "perpetual",
        100,
        Decimal("0.1"),
    )
    dated = listed["BTCUSD_211231"]
    assert (dated.kind, dated.contract_size) == ("future", Decimal(100))
    assert listed["ETHUSD_PERP"].contract_size == Decimal(10)
    assert all(i.active for i in listed.values())
