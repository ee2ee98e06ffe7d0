"""Admin actions change the rows and put a control message for the feed process on the channel
layer (the real in-memory layer of the test settings), which the feed process would receive."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from exchanges.models import Exchange, Instrument

CHANGELIST = "/admin/exchanges/instrument/"


@pytest.fixture
def control():
    """Receive what was sent on the control channel, starting from an empty layer."""
    layer = get_channel_layer()
    async_to_sync(layer.flush)()
    channel = settings.MARKETAGG["CONTROL_CHANNEL"]
    yield lambda: async_to_sync(layer.receive)(channel)
    async_to_sync(layer.flush)()


@pytest.mark.django_db
def test_resync_action_asks_the_feed_process_for_that_book(admin_client, control):
    btc = Instrument.objects.get(exchange__venue="binance", symbol="BTCUSDT")

    page = admin_client.post(
        CHANGELIST, {"action": "resync_books", "_selected_action": [btc.pk]}, follow=True
    )

    assert control() == {"type": "feed.control", "action": "resync", "venue": "binance", "symbol": "BTCUSDT"}
    assert "Asked for a resync of 1 book(s). The feed process was told." in page.content.decode()


@pytest.mark.django_db
def test_disable_action_saves_and_tells_the_feed_process(admin_client, control):
    eth = Instrument.objects.get(exchange__venue="deribit", symbol="ETH-PERPETUAL")

    admin_client.post(CHANGELIST, {"action": "disable_instruments", "_selected_action": [eth.pk]})

    eth.refresh_from_db()
    assert eth.enabled is False
    assert control() == {
        "type": "feed.control",
        "action": "disable",
        "venue": "deribit",
        "symbol": "ETH-PERPETUAL",
    }


@pytest.mark.django_db
def test_venue_actions_reconnect_and_disable(admin_client, control):
    usdm = Exchange.objects.get(venue="binance-usdm")
    url = "/admin/exchanges/exchange/"

    admin_client.post(url, {"action": "reconnect_venues", "_selected_action": [usdm.pk]})
    admin_client.post(url, {"action": "disable_venues", "_selected_action": [usdm.pk]})

    assert control()["action"] == "reconnect"
    assert control() == {"type": "feed.control", "action": "disable", "venue": "binance-usdm", "symbol": ""}
    usdm.refresh_from_db()
    assert usdm.enabled is False
