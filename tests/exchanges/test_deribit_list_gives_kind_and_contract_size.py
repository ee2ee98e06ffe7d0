"""Deribit's get_instruments: options, dated futures, perpetuals (a future settled `perpetual`) and
linear USDC contracts, with exact contract and tick sizes from JSON numbers."""

from decimal import Decimal

from exchanges.instrument_lists import parse_deribit_instruments
from tests.exchanges.recorded_lists import recorded_list


def _by_symbol(currency: str) -> dict:
    body = recorded_list("deribit", f"currency={currency}&").encode()
    return {i.symbol: i for i in parse_deribit_instruments(body)}


def test_btc_option_is_an_option_on_the_usd_index():
    option = _by_symbol("BTC")["BTC-24SEP21-8000-P"]

    assert option.kind == "option"
    assert option.venue == "deribit"
    assert option.contract_size == Decimal("1")
    assert option.tick_size == Decimal("0.0005")
    assert option.pair == "BTC-USD"


def test_inverse_future_and_perpetual():
    listed = _by_symbol("BTC")

    perp = listed["BTC-PERPETUAL"]
    assert (perp.pair, perp.kind, perp.contract_size, perp.tick_size) == (
        "BTC-USD",
        "perpetual",
        10,
        Decimal("0.5"),
    )
    assert listed["BTC-25MAR22"].kind == "future"


def test_sol_option_uses_its_counter_currency():
    assert _by_symbol("SOL")["SOL-10JUN22-28-P"].pair == "SOL-USD"


def test_linear_usdc_perpetuals_keep_exact_small_numbers():
    listed = _by_symbol("USDC")

    btc = listed["BTC_USDC-PERPETUAL"]
    assert (btc.pair, btc.kind) == ("BTC-USDC", "perpetual")
    assert btc.contract_size == Decimal("0.001")
    assert listed["DOGE_USDC-PERPETUAL"].tick_size == Decimal("0.00001")
