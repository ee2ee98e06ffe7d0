"""Property: base units from venue units agree with the issue's formulas (computed here on their
own) and convert back to the venue quantity: COIN-M contracts x size / price, Deribit USD / price,
spot and USD-M as they are; options refuse to convert."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from books.conversion import ConversionError, converter_for, pair_of, to_base, to_venue
from exchanges.types import InstrumentSpec
from tests.books.consolidated_reference import base_quantity
from tests.books.venue_books import btc_coinm, btc_deribit

SPECS = [
    InstrumentSpec(venue="binance", symbol="BTCUSDT", pair="BTC-USDT", kind="spot"),
    InstrumentSpec(
        venue="binance-usdm", symbol="BTCUSDT", pair="BTC-USDT", kind="perpetual", contract_size=Decimal(1)
    ),
    btc_coinm(),
    InstrumentSpec(
        venue="binance-coinm",
        symbol="ETHUSD_250926",
        pair="ETH-USD",
        kind="future",
        contract_size=Decimal(10),
    ),
    btc_deribit(),
    InstrumentSpec(
        venue="deribit", symbol="BTC-27DEC25", pair="BTC-USD", kind="future", contract_size=Decimal(10)
    ),
    InstrumentSpec(venue="deribit", symbol="BTC_USDC-PERPETUAL", pair="BTC-USDC", kind="perpetual"),
]

prices = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("1000000"), places=4, allow_nan=False)
quantities = st.decimals(
    min_value=Decimal("0.00000001"), max_value=Decimal("100000000"), places=8, allow_nan=False
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SPECS), quantities, prices)
def test_base_units_follow_the_formulas_and_come_back(spec, qty, price):
    base = to_base(spec=spec, qty=qty, price=price)
    quote = spec.pair.split("-")[1]
    assert base == base_quantity(
        venue=spec.venue, kind=spec.kind, quote=quote, contract_size=spec.contract_size, price=price, qty=qty
    )
    back = to_venue(spec=spec, base=base, price=price)
    # 28 significant digits each way: equal to within the last few of them.
    assert abs(back - qty) <= qty * Decimal("1e-25"), (spec.key, qty, price, base, back)


def test_options_never_join_a_consolidated_book():
    option = InstrumentSpec(venue="deribit", symbol="BTC-27DEC25-70000-C", pair="BTC-USD", kind="option")
    assert pair_of(option) == ""
    with pytest.raises(ConversionError, match="option"):
        converter_for(option)


def test_coin_margined_contracts_without_a_size_are_refused():
    spec = InstrumentSpec(venue="binance-coinm", symbol="BTCUSD_PERP", pair="BTC-USD", kind="perpetual")
    with pytest.raises(ConversionError, match="contract size"):
        converter_for(spec)
