"""An instrument switched off or on (as the admin does) is applied by the running feed process within
2 seconds, without a restart, while the other books stay live; on the in-memory layer and on Redis."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers

from exchanges.feedprocess import FeedProcess, FeedProcessOptions
from exchanges.models import Instrument
from exchanges.services import instrument_enable, instrument_resync
from tests.exchanges.connectors.scripted_venue import wait_for


@pytest.fixture(params=["memory", "redis"])
def layer_settings(request, settings, redis_url):
    if request.param == "redis":
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [redis_url], "prefix": "marketagg-test-control"},
            }
        }
    yield request.param
    channel_layers.backends.clear()


def live(process, key):
    book = process.supervisor.books().get(key)
    return book is not None and book.state == "live"


@pytest.mark.django_db(transaction=True)
async def test_disable_and_enable_apply_within_two_seconds(layer_settings, seeded):
    process = FeedProcess(FeedProcessOptions(simulate=True, store=False))
    task = asyncio.create_task(process.run())
    try:
        await asyncio.wait_for(process.ready.wait(), 20)
        await wait_for(
            lambda: (
                len(process.supervisor.books()) == 8
                and all(b.state == "live" for b in process.supervisor.books().values())
            ),
            timeout=20,
        )
        eth = await Instrument.objects.select_related("exchange").aget(
            exchange__venue="binance", symbol="ETHUSDT"
        )

        others_live = []
        started = time.monotonic()
        assert await sync_to_async(instrument_enable)(instrument=eth, enabled=False)
        await wait_for(
            lambda: (
                others_live.append(live(process, "binance:BTCUSDT"))
                or "binance:ETHUSDT" not in process.supervisor.books()
            ),
            timeout=2,
            what="ETHUSDT gone",
        )
        assert time.monotonic() - started < 2
        assert all(others_live)  # BTCUSDT on the same venue never stopped being live

        started = time.monotonic()
        assert await sync_to_async(instrument_enable)(instrument=eth, enabled=True)
        await wait_for(lambda: live(process, "binance:ETHUSDT"), timeout=2, what="ETHUSDT live again")
        assert time.monotonic() - started < 2

        resyncs = process.supervisor.stats()["venues"]["binance"]["resyncs"]
        assert await sync_to_async(instrument_resync)(instrument=eth)
        await wait_for(
            lambda: process.supervisor.stats()["venues"]["binance"]["resyncs"] > resyncs, timeout=2
        )
        await wait_for(lambda: live(process, "binance:ETHUSDT"), timeout=5)
    finally:
        process.stop()
        await asyncio.wait_for(task, 10)
