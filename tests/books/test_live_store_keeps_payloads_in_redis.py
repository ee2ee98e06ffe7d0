"""With REDIS_URL set the live store is Redis (web and feed processes apart): a payload put by the
publisher is read back whole by another client, and the pairs are listed; without it, memory."""

import asyncio
import contextlib
from decimal import Decimal

import redis
from django.test import override_settings

from books.live import LivePublisher, MemoryLiveStore, RedisLiveStore, live_store
from tests.books.live_fixture import TwoVenues


def test_live_store_follows_redis_url(redis_url):
    with override_settings(REDIS_URL=redis_url):
        store = live_store()
        assert isinstance(store, RedisLiveStore) and store.url == redis_url
        assert live_store() is store
    with override_settings(REDIS_URL=""):
        assert isinstance(live_store(), MemoryLiveStore)


async def test_a_published_payload_is_read_back_from_redis(redis_url):
    redis.Redis.from_url(redis_url).flushdb()
    store = RedisLiveStore(redis_url)
    venues = TwoVenues()
    publisher = LivePublisher(venues.sink, store=store, hz=20, depth=10)
    task = asyncio.create_task(publisher.run())
    try:
        venues.change(Decimal("1.5"))
        reader = RedisLiveStore(redis_url)  # as the web process would read it
        deadline = asyncio.get_running_loop().time() + 5
        while (payload := reader.get("BTC-USDT")) is None or payload["version"] < venues.sink.books[
            "BTC-USDT"
        ].version:
            assert asyncio.get_running_loop().time() < deadline, "payload not in Redis"
            await asyncio.sleep(0.02)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert payload["consolidated"]["bids"][1] == ["99", "1.5", {"binance:BTCUSDT": "1.5"}]
    assert payload["venues"]["binance:BTCUSDT"]["bids"][0] == ["99", "1.5"]
    assert reader.pairs() == ["BTC-USDT"]
    assert reader.get("ETH-USDT") is None
    reader.clear()
    assert reader.pairs() == []
