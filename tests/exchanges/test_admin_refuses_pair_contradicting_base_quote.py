"""The admin refuses a pair that is not BASE-QUOTE of the instrument's own base and quote, and a
base or quote that contradicts the venue's list."""

from html import unescape

import pytest

from exchanges.models import Exchange, Instrument, ListedSymbol
from tests.exchanges.admin_forms import INSTRUMENT_ADD_URL as ADD_URL
from tests.exchanges.admin_forms import instrument_form as _form


@pytest.mark.django_db
def test_pair_must_match_base_and_quote(admin_client):
    usdm = Exchange.objects.get(venue="binance-usdm")

    page = admin_client.post(ADD_URL, _form(usdm, symbol="NKNUSDT", base="NKN", quote="USDT", pair="NKN-USD"))

    assert page.status_code == 200
    assert "Pair must be NKN-USDT, from its base and quote." in unescape(page.content.decode())
    assert not Instrument.objects.filter(exchange=usdm, symbol="NKNUSDT").exists()


@pytest.mark.django_db
def test_quote_contradicting_the_venue_list_is_refused(admin_client):
    spot = Exchange.objects.get(venue="binance")
    ListedSymbol.objects.create(exchange=spot, symbol="USDCUSDT", base="USDC", quote="USDT", kind="spot")

    page = admin_client.post(ADD_URL, _form(spot, symbol="USDCUSDT", base="USD", quote="CUSDT"))

    text = unescape(page.content.decode())
    assert page.status_code == 200
    assert "binance lists USDCUSDT with base USDC, not USD." in text
    assert "binance lists USDCUSDT with quote USDT, not CUSDT." in text
    assert not Instrument.objects.filter(exchange=spot, symbol="USDCUSDT").exists()
