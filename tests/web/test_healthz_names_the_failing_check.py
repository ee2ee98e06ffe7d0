"""/healthz runs real checks: 200 while every enabled instrument is live, 503 naming the feeds
check and the instruments when a venue stalls in the simulator, 200 again when it comes back;
503 naming the channel layer when it cannot be reached."""

import asyncio
import time

import aiohttp
import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers

from exchanges.feedprocess import FeedProcess, FeedProcessOptions
from exchanges.models import Instrument


async def _poll(client, want, deadline: float = 30.0):
    end = time.monotonic() + deadline
    body = None
    while time.monotonic() < end:
        response = await client.get("/healthz")
        body = response.json()
        if want(response.status_code, body):
            return response.status_code, body
        await asyncio.sleep(0.3)
    raise AssertionError(f"/healthz never got there; last answer {body}")


async def _control(feeds, action: str, venue: str = "deribit") -> None:
    """Take a venue down in the simulator (or bring it back), as a test in another process would."""
    url = f"http://127.0.0.1:{feeds.simulator.port}/control/{action}?venue={venue}"
    async with aiohttp.ClientSession() as session, session.post(url) as response:
        assert response.status == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(120)
async def test_a_stalled_venue_fails_the_feed_check_until_it_returns(seeded, async_client):
    # A short staleness limit, so a stalled venue is found in seconds.
    await sync_to_async(Instrument.objects.update)(stale_after=3.0)
    feeds = FeedProcess(FeedProcessOptions(simulate=True, store=False, simulator_rate=20.0))
    task = asyncio.create_task(feeds.run())
    try:
        await asyncio.wait_for(feeds.ready.wait(), 20)
        status, body = await _poll(
            async_client, lambda code, b: code == 200 and b["checks"]["feeds"]["live"] == 8
        )
        assert body["checks"]["database"] == "ok" and body["checks"]["channel_layer"] == "ok"
        assert body["checks"]["feeds"] == {"instruments": 8, "live": 8}

        await _control(feeds, "pause")
        status, body = await _poll(async_client, lambda code, b: code == 503)
        assert body["failing"] == ["feeds"]
        failing = body["checks"]["feeds"]["failing"]
        assert set(failing) <= {"deribit:BTC-PERPETUAL", "deribit:ETH-PERPETUAL"} and failing
        assert all(reason for reason in failing.values())

        await _control(feeds, "resume")
        status, body = await _poll(
            async_client, lambda code, b: code == 200 and b["checks"]["feeds"]["live"] == 8
        )
    finally:
        feeds.stop()
        await asyncio.wait_for(task, 10)


@pytest.mark.django_db(transaction=True)
async def test_an_unreachable_channel_layer_is_named(seeded, async_client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        response = await async_client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    body = response.json()
    assert "channel_layer" in body["failing"]
    assert body["checks"]["database"] == "ok"
    assert "Error" in body["checks"]["channel_layer"]["error"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(120)
async def test_a_venue_down_with_the_default_staleness_limit_fails_within_seconds(seeded, async_client):
    # The default 30 s limit: a venue that keeps failing to reconnect sits in backoff, whose age
    # restarts at every attempt, so only its state can say it is down.
    await sync_to_async(Instrument.objects.update)(stale_after=30.0)
    feeds = FeedProcess(FeedProcessOptions(simulate=True, store=False, simulator_rate=20.0))
    task = asyncio.create_task(feeds.run())
    try:
        await asyncio.wait_for(feeds.ready.wait(), 20)
        await _poll(async_client, lambda code, b: code == 200 and b["checks"]["feeds"]["live"] == 8)
        await _control(feeds, "pause", "binance")
        status, body = await _poll(async_client, lambda code, b: code == 503, deadline=45)
        failing = body["checks"]["feeds"]["failing"]
        assert set(failing) <= {"binance:BTCUSDT", "binance:ETHUSDT"} and failing
        await _control(feeds, "resume", "binance")
        await _poll(
            async_client, lambda code, b: code == 200 and b["checks"]["feeds"]["live"] == 8, deadline=60
        )
    finally:
        feeds.stop()
        await asyncio.wait_for(task, 10)
