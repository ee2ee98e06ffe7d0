"""The admin lists venues, instruments, the loaded instrument lists and the feed state, with their
search and filters; lists and feed state are read-only there."""

from datetime import UTC, datetime

import pytest

from exchanges.models import Exchange, FeedState, ListedSymbol


@pytest.mark.django_db
def test_changelists_render_with_search_and_filters(admin_client):
    spot = Exchange.objects.get(venue="binance")
    spot.rest_url = "http://127.0.0.1:8765/binance"
    spot.save()
    ListedSymbol.objects.create(exchange=spot, symbol="ETCBTC", base="ETC", quote="BTC", kind="spot")
    FeedState.objects.create(
        key="binance:BTCUSDT",
        venue="binance",
        symbol="BTCUSDT",
        state="live",
        counters={"gaps": 2},
        updated_at=datetime.now(UTC),
    )

    venues = admin_client.get("/admin/exchanges/exchange/").content.decode()
    instruments = admin_client.get(
        "/admin/exchanges/instrument/?q=BTC-USDT&kind__exact=perpetual"
    ).content.decode()
    listed = admin_client.get("/admin/exchanges/listedsymbol/?q=ETC").content.decode()
    states = admin_client.get("/admin/exchanges/feedstate/").content.decode()

    assert "rest http://127.0.0.1:8765/binance" in venues
    assert "binance-usdm" in instruments and "BTCUSDT" in instruments
    assert "ETCBTC" in listed
    assert "live" in states and "gaps" in states
    assert "/admin/exchanges/listedsymbol/add/" not in listed
    assert admin_client.get("/admin/exchanges/listedsymbol/add/").status_code == 403
    assert admin_client.get("/admin/exchanges/feedstate/add/").status_code == 403
