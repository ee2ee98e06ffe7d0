"""With no instrument list loaded (a fresh or offline install) the admin cannot check a symbol: it
saves it and says so on save, pointing at sync_instruments and at the invalid state a refusal gives.
With the list loaded, a listed symbol is checked and no warning is shown."""

from html import unescape

import pytest

from exchanges.models import Exchange, Instrument, ListedSymbol
from tests.exchanges.admin_forms import INSTRUMENT_ADD_URL, instrument_form

WARNING = (
    "could not be checked: binance's instrument list is not loaded (run `manage.py sync_instruments binance`)"
)


@pytest.mark.django_db
def test_unchecked_symbol_is_saved_with_a_warning(admin_client):
    spot = Exchange.objects.get(venue="binance")
    assert not ListedSymbol.objects.filter(exchange=spot).exists()

    page = admin_client.post(
        INSTRUMENT_ADD_URL, instrument_form(spot, symbol="NOPEUSDT", base="NOPE", quote="USDT"), follow=True
    )

    text = unescape(page.content.decode())
    assert f"NOPEUSDT {WARNING}" in text
    assert "If binance refuses the symbol, its feed state shows invalid with the venue's message." in text
    assert Instrument.objects.filter(exchange=spot, symbol="NOPEUSDT").exists()


@pytest.mark.django_db
def test_listed_symbol_is_checked_without_a_warning(admin_client):
    spot = Exchange.objects.get(venue="binance")
    ListedSymbol.objects.create(exchange=spot, symbol="NKNUSDT", base="NKN", quote="USDT", kind="spot")

    page = admin_client.post(INSTRUMENT_ADD_URL, instrument_form(spot, symbol="NKNUSDT"), follow=True)

    text = unescape(page.content.decode())
    assert "could not be checked" not in text
    assert Instrument.objects.get(exchange=spot, symbol="NKNUSDT").pair == "NKN-USDT"


@pytest.mark.django_db
def test_editing_another_field_does_not_warn_again(admin_client):
    spot = Exchange.objects.get(venue="binance")
    btc = Instrument.objects.get(exchange=spot, symbol="BTCUSDT")
    form = instrument_form(
        spot,
        symbol="BTCUSDT",
        base="BTC",
        quote="USDT",
        pair="BTC-USDT",
        kind="spot",
        tick_size="0.01",
        depth="500",
    )

    page = admin_client.post(f"/admin/exchanges/instrument/{btc.pk}/change/", form, follow=True)

    assert "could not be checked" not in unescape(page.content.decode())
    btc.refresh_from_db()
    assert btc.depth == 500
