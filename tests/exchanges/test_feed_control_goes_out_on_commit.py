"""A control message goes out when the change it announces is committed, never inside the
transaction: the feed process reads the database on its own connection when the message arrives,
and before the commit it would find the old rows (an instrument added in the admin never
subscribed, while the feed logged "applied"). A rolled-back change sends nothing."""

import pytest
from channels.layers import InMemoryChannelLayer, channel_layers
from django.db import connection, transaction

from exchanges.models import Exchange, Instrument
from exchanges.services import instrument_enable, instrument_resync
from tests.exchanges.control_channel import ControlChannel

pytestmark = pytest.mark.django_db(transaction=True)


class Oops(Exception):
    pass


@pytest.fixture
def control(seeded):
    channel = ControlChannel()
    channel.flush()
    yield channel
    channel.flush()


def test_message_arrives_only_after_commit(control):
    eth = Instrument.objects.select_related("exchange").get(exchange__venue="binance", symbol="ETHUSDT")

    with transaction.atomic():
        message = instrument_enable(instrument=eth, enabled=False)
        assert control.empty()  # inside the transaction: nothing sent yet
        assert message.sent is None

    assert control.receive() == {
        "type": "feed.control",
        "action": "disable",
        "venue": "binance",
        "symbol": "ETHUSDT",
    }
    assert message.sent is True


def test_rolled_back_change_sends_nothing(control):
    eth = Instrument.objects.select_related("exchange").get(exchange__venue="binance", symbol="ETHUSDT")

    with pytest.raises(Oops), transaction.atomic():
        message = instrument_enable(instrument=eth, enabled=False)
        instrument_resync(instrument=eth)
        raise Oops

    assert control.empty()
    assert message.sent is None and not message
    eth.refresh_from_db()
    assert eth.enabled is True


class InTransactionLayer(InMemoryChannelLayer):
    """The real in-memory layer, noting whether each send happened inside a transaction of the
    sending thread (the admin's view runs in the test's thread with the test client)."""

    sends: list[tuple[dict, bool]] = []

    async def send(self, channel, message):
        InTransactionLayer.sends.append((message, connection.in_atomic_block))
        await super().send(channel, message)


@pytest.fixture
def watched_layer(settings, control):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.InTransactionLayer"}}
    channel_layers.backends.clear()
    InTransactionLayer.sends.clear()
    yield InTransactionLayer.sends
    channel_layers.backends.clear()


def test_admin_add_change_and_delete_send_after_their_transaction(admin_client, watched_layer):
    binance = Exchange.objects.get(venue="binance")
    form = {
        "exchange": binance.pk,
        "symbol": "SOLUSDT",
        "base": "SOL",
        "quote": "USDT",
        "pair": "SOL-USDT",
        "kind": "spot",
        "enabled": "on",
        "depth": "1000",
        "stale_after": "30",
    }
    added = admin_client.post("/admin/exchanges/instrument/add/", form, follow=True)
    assert "Saved. Sent to the feed process" in added.content.decode()
    sol = Instrument.objects.get(exchange=binance, symbol="SOLUSDT")
    admin_client.post(f"/admin/exchanges/instrument/{sol.pk}/change/", {**form, "depth": "500"})
    deleted = admin_client.post(f"/admin/exchanges/instrument/{sol.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Deleted. Sent to the feed process" in deleted.content.decode()

    assert [(m["action"], m["symbol"]) for m, _ in watched_layer] == [("reload", "SOLUSDT")] * 3
    assert [inside for _, inside in watched_layer] == [False, False, False]
