"""Once the venue's list is loaded, the admin's add form refuses a symbol the venue does not list,
with the message saying why, and creates nothing."""

from html import unescape

import pytest

from exchanges.models import Exchange, Instrument, ListedSymbol
from tests.exchanges.admin_forms import INSTRUMENT_ADD_URL as ADD_URL
from tests.exchanges.admin_forms import instrument_form as _form


@pytest.mark.django_db
def test_unknown_symbol_is_refused_with_the_clear_message(admin_client):
    spot = Exchange.objects.get(venue="binance")
    ListedSymbol.objects.create(exchange=spot, symbol="NKNUSDT", base="NKN", quote="USDT", kind="spot")
    before = Instrument.objects.count()

    page = admin_client.post(
        ADD_URL, _form(spot, symbol="BTC-USDT", base="BTC", quote="USDT", pair="BTC-USDT")
    )

    assert page.status_code == 200  # the form again, not a redirect to the list
    text = unescape(page.content.decode())
    assert "'BTC-USDT' is not in binance's instrument list (loaded by sync_instruments)" in text
    assert Instrument.objects.count() == before


@pytest.mark.django_db
def test_without_a_loaded_list_any_spelling_is_accepted(admin_client):
    spot = Exchange.objects.get(venue="binance")
    assert not ListedSymbol.objects.filter(exchange=spot).exists()

    page = admin_client.post(ADD_URL, _form(spot, symbol="NKNUSDT", base="NKN", quote="USDT"))

    assert page.status_code == 302
    assert Instrument.objects.get(exchange=spot, symbol="NKNUSDT").pair == "NKN-USDT"
