"""Adding an instrument in the admin needs only venue and symbol once the list is loaded: pair,
kind, contract size and tick come from the venue's list."""

from decimal import Decimal

import pytest

from exchanges.models import Exchange, Instrument, ListedSymbol
from tests.exchanges.admin_forms import INSTRUMENT_ADD_URL as ADD_URL
from tests.exchanges.admin_forms import instrument_form as _form


@pytest.mark.django_db
def test_symbol_alone_is_enough(admin_client):
    coinm = Exchange.objects.get(venue="binance-coinm")
    ListedSymbol.objects.create(
        exchange=coinm,
        symbol="BTCUSD_211231",
        base="BTC",
        quote="USD",
        kind="future",
        contract_size=Decimal(100),
        tick_size=Decimal("0.1"),
    )

    page = admin_client.post(ADD_URL, _form(coinm, symbol="BTCUSD_211231"))

    assert page.status_code == 302, page.content.decode()[:2000]
    made = Instrument.objects.get(exchange=coinm, symbol="BTCUSD_211231")
    assert (made.pair, made.base, made.quote, made.kind) == ("BTC-USD", "BTC", "USD", "future")
    assert (made.contract_size, made.tick_size) == (Decimal(100), Decimal("0.1"))


@pytest.mark.django_db
def test_unlisted_venue_needs_base_and_quote(admin_client):
    deribit = Exchange.objects.get(venue="deribit")

    page = admin_client.post(ADD_URL, _form(deribit, symbol="SOL_USDC-PERPETUAL"))

    assert page.status_code == 200
    assert "run sync_instruments so it comes from the venue" in page.content.decode()
    assert not Instrument.objects.filter(symbol="SOL_USDC-PERPETUAL").exists()
