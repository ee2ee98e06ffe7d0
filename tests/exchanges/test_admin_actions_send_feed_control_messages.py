"""Admin actions change the rows and, once that is committed, put a control message for the feed
process on the channel layer (the real in-memory layer of the test settings). The admin says the
message was sent, not that it was applied."""

import pytest

from exchanges.models import Exchange, Instrument
from tests.exchanges.control_channel import ControlChannel

CHANGELIST = "/admin/exchanges/instrument/"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def control(seeded):
    channel = ControlChannel()
    channel.flush()
    yield channel
    channel.flush()


def test_resync_action_asks_the_feed_process_for_that_book(admin_client, control):
    btc = Instrument.objects.get(exchange__venue="binance", symbol="BTCUSDT")

    page = admin_client.post(
        CHANGELIST, {"action": "resync_books", "_selected_action": [btc.pk]}, follow=True
    )

    assert control.receive() == {
        "type": "feed.control",
        "action": "resync",
        "venue": "binance",
        "symbol": "BTCUSDT",
    }
    text = page.content.decode()
    assert "Asked for a resync of 1 book(s). Sent to the feed process; the Feed column" in text
    assert "was told" not in text


def test_disable_action_saves_and_tells_the_feed_process(admin_client, control):
    eth = Instrument.objects.get(exchange__venue="deribit", symbol="ETH-PERPETUAL")

    admin_client.post(CHANGELIST, {"action": "disable_instruments", "_selected_action": [eth.pk]})

    eth.refresh_from_db()
    assert eth.enabled is False
    assert control.receive() == {
        "type": "feed.control",
        "action": "disable",
        "venue": "deribit",
        "symbol": "ETH-PERPETUAL",
    }


def test_venue_actions_reconnect_and_disable(admin_client, control):
    usdm = Exchange.objects.get(venue="binance-usdm")
    url = "/admin/exchanges/exchange/"

    admin_client.post(url, {"action": "reconnect_venues", "_selected_action": [usdm.pk]})
    admin_client.post(url, {"action": "disable_venues", "_selected_action": [usdm.pk]})

    assert control.receive()["action"] == "reconnect"
    assert control.receive() == {
        "type": "feed.control",
        "action": "disable",
        "venue": "binance-usdm",
        "symbol": "",
    }
    usdm.refresh_from_db()
    assert usdm.enabled is False
