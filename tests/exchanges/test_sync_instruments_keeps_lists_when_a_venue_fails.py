"""A venue that cannot be reached, or answers an error for any part of its list, keeps its stored
list and instruments; the others are still synced, and the command says which failed and why."""

import socket

import pytest
from django.core.management import CommandError, call_command

from exchanges.models import Exchange, ListedSymbol
from tests.exchanges.list_server import list_server


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_unreachable_venue_and_rate_limited_currency_keep_their_lists(capsys):
    deribit = Exchange.objects.get(venue="deribit")
    ListedSymbol.objects.create(
        exchange=deribit, symbol="BTC-PERPETUAL", base="BTC", quote="USD", kind="perpetual"
    )
    spot = Exchange.objects.get(venue="binance")
    ListedSymbol.objects.create(exchange=spot, symbol="BTCUSDT", base="BTC", quote="USDT", kind="spot")

    with list_server("binance-usdm", "deribit") as server:
        server.answer(
            "/api/v2/public/get_instruments",
            '{"jsonrpc":"2.0","error":{"code":10028,"message":"too_many_requests"}}',
            status=429,
            currency="ETH",
            headers={"Retry-After": "7"},
        )
        Exchange.objects.filter(venue__in=["binance-usdm", "deribit"]).update(rest_url=server.url)
        spot.rest_url = f"http://127.0.0.1:{_closed_port()}"
        spot.save()

        with pytest.raises(CommandError, match="2 of 3 venues could not be synced"):
            call_command("sync_instruments", "binance", "binance-usdm", "deribit")

    err = capsys.readouterr().err
    assert f"binance: cannot reach {spot.rest_url}/api/v3/exchangeInfo" in err
    assert "currency=ETH&expired=false answered HTTP 429, retry after 7 s" in err
    assert list(ListedSymbol.objects.filter(exchange=spot).values_list("symbol", flat=True)) == ["BTCUSDT"]
    assert list(ListedSymbol.objects.filter(exchange=deribit).values_list("symbol", flat=True)) == [
        "BTC-PERPETUAL"
    ]
    assert ListedSymbol.objects.filter(exchange__venue="binance-usdm").count() > 100


@pytest.mark.django_db
def test_an_answer_that_is_not_a_list_is_refused(capsys):
    with list_server() as server:
        server.answer("/dapi/v1/exchangeInfo", "<html>502 Bad Gateway</html>")
        Exchange.objects.filter(venue="binance-coinm").update(rest_url=server.url)

        with pytest.raises(CommandError):
            call_command("sync_instruments", "binance-coinm")

    assert "/dapi/v1/exchangeInfo: instrument list is not JSON" in capsys.readouterr().err
    assert not ListedSymbol.objects.exists()
