"""The pub/sub fast lane is an extra, faster copy of each book update: when publishing on it fails,
the update still goes to the `book.<PAIR>` group and the live store, on real Redis."""

import asyncio
import contextlib
import time
import uuid
from decimal import Decimal

from channels_redis.core import RedisChannelLayer

from books.live import LivePublisher, MemoryLiveStore
from books.relay import FastLane
from tests.books.live_fixture import TwoVenues
from tests.e2e.server import free_port


async def test_updates_reach_the_group_and_store_when_the_lane_fails(redis_url):
    layer = RedisChannelLayer(hosts=[redis_url], prefix=f"marketagg-lane-test-{uuid.uuid4().hex[:8]}")
    listener = await layer.new_channel()
    await layer.group_add("book.BTC-USDT", listener)
    venues, store = TwoVenues(), MemoryLiveStore()
    publisher = LivePublisher(venues.sink, layer=layer, store=store, hz=20, depth=5)
    task = asyncio.create_task(publisher.run())
    # A lane to a port nothing listens on: every publish on it fails.
    nowhere = RedisChannelLayer(hosts=[f"redis://127.0.0.1:{free_port()}/0"])
    deadline = time.monotonic() + 10
    while publisher._lane is None and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    publisher._lane = FastLane(nowhere)
    try:
        venues.change(Decimal(7))
        message = await asyncio.wait_for(layer.receive(listener), 10)
        version = venues.sink.books["BTC-USDT"].version
        while message["payload"]["version"] != version:  # an earlier publication may come first
            message = await asyncio.wait_for(layer.receive(listener), 10)
        assert message["type"] == "book.update"
        assert store.get("BTC-USDT")["version"] == version
        assert publisher.lane_failures >= 1 and publisher.failures == 0
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await layer.flush()
