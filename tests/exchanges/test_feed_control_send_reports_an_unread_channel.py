"""When nobody reads the control channel (no feed process) and it fills up, the change is still
saved and the admin says the feed process did not get it, instead of failing."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from exchanges.models import Instrument
from exchanges.services import feed_control_send, instrument_enable


@pytest.fixture
def full_layer():
    layer = get_channel_layer()
    async_to_sync(layer.flush)()
    while feed_control_send(action="reload", venue="binance"):
        pass
    yield layer
    async_to_sync(layer.flush)()


@pytest.mark.django_db(transaction=True)  # control messages go out on commit
def test_full_channel_is_reported_not_raised(seeded, full_layer, admin_client):
    btc = Instrument.objects.get(exchange__venue="binance", symbol="BTCUSDT")

    assert instrument_enable(instrument=btc, enabled=False).sent is False
    btc.refresh_from_db()
    assert btc.enabled is False

    page = admin_client.post(
        "/admin/exchanges/instrument/",
        {"action": "enable_instruments", "_selected_action": [btc.pk]},
        follow=True,
    )
    assert "The feed process did not get the message (is runfeeds running?)" in page.content.decode()
    btc.refresh_from_db()
    assert btc.enabled is True


def test_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown feed control action"):
        feed_control_send(action="restart", venue="binance")
