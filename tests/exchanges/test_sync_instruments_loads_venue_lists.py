"""`sync_instruments` fetches every enabled venue's list over HTTP (here: a local server answering
with the real recorded bodies), stores it, and fills the configured instruments from it."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from exchanges.models import Exchange, Instrument, ListedSymbol
from tests.exchanges.list_server import list_server

VENUE_IDS = ["binance", "binance-usdm", "binance-coinm", "deribit"]


@pytest.mark.django_db
def test_sync_stores_every_list_and_fills_instruments(capsys):
    with list_server(*VENUE_IDS) as server:
        Exchange.objects.update(rest_url=server.url)
        # A stale row the venue no longer lists must go; a wrong tick must be corrected.
        coinm = Exchange.objects.get(venue="binance-coinm")
        ListedSymbol.objects.create(
            exchange=coinm, symbol="OLDUSD_PERP", base="OLD", quote="USD", kind="perpetual"
        )
        Instrument.objects.filter(exchange=coinm, symbol="BTCUSD_PERP").update(
            tick_size=Decimal("5"), contract_size=None, kind="spot"
        )

        call_command("sync_instruments")

    def listed(venue: str):
        return ListedSymbol.objects.filter(exchange__venue=venue)

    assert listed("binance").get(symbol="NKNUSDT").quote == "USDT"
    assert listed("binance").get(symbol="ETCBTC").base == "ETC"
    # BCCBTC is in BREAK (delisted): it streams no book, so the admin should refuse it.
    assert not listed("binance").filter(symbol="BCCBTC").exists()
    assert listed("binance").count() == 1262
    assert listed("binance-usdm").count() >= 100
    assert not listed("binance-coinm").filter(symbol="OLDUSD_PERP").exists()
    assert listed("binance-coinm").get(symbol="BTCUSD_211231").contract_size == 100
    option = listed("deribit").get(symbol="BTC-24SEP21-8000-P")
    assert (option.kind, option.tick_size) == ("option", Decimal("0.0005"))
    assert listed("deribit").filter(symbol="SOL_USDC-PERPETUAL").exists()

    btc = Instrument.objects.get(exchange__venue="binance-coinm", symbol="BTCUSD_PERP")
    assert (btc.kind, btc.contract_size, btc.tick_size, btc.pair) == (
        "perpetual",
        100,
        Decimal("0.1"),
        "BTC-USD",
    )
    assert btc.consolidate_into == "BTC-USDT"  # the admin's choice survives a sync
    perp = Instrument.objects.get(exchange__venue="deribit", symbol="BTC-PERPETUAL")
    assert (perp.contract_size, perp.tick_size) == (10, Decimal("0.5"))

    out = capsys.readouterr().out
    assert "binance-coinm:" in out and "BTCUSD_PERP" in out
    assert any("currency=BTC&expired=false" in r for r in server.requests)


@pytest.mark.django_db
def test_sync_of_one_named_venue_leaves_the_others_alone():
    with list_server("binance-usdm") as server:
        Exchange.objects.filter(venue="binance-usdm").update(rest_url=server.url)

        call_command("sync_instruments", "binance-usdm")

    assert ListedSymbol.objects.filter(exchange__venue="binance-usdm").count() > 100
    assert not ListedSymbol.objects.exclude(exchange__venue="binance-usdm").exists()
    assert server.requests == ["/fapi/v1/exchangeInfo"]
