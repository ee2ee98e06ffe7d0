"""On Redis the live publisher sends each update twice, on the pair's pub/sub channel (one round
trip, for the web processes' relays) and to the channel-layer group `book.<PAIR>`; a relay passes
each update on to its sockets once, newest last, whichever copy arrives first. Two layers of other
prefixes or databases on the same Redis server never hear each other's books."""

import asyncio
import contextlib
import time
import uuid
from decimal import Decimal

from channels_redis.core import RedisChannelLayer

from books.live import LivePublisher, MemoryLiveStore
from books.relay import Relays, fast_lane
from tests.books.live_fixture import TwoVenues


def _layer(url: str) -> RedisChannelLayer:
    return RedisChannelLayer(hosts=[url], prefix=f"marketagg-relay-test-{uuid.uuid4().hex[:8]}")


async def _until(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


async def test_each_update_reaches_the_relay_once_by_pubsub_and_group(redis_url):
    layer = _layer(redis_url)
    group_channel = await layer.new_channel()
    await layer.group_add("book.BTC-USDT", group_channel)
    lane = fast_lane(layer)
    heard = lane.redis.pubsub()
    await heard.subscribe(lane.channel("BTC-USDT"))
    relays, got = Relays(), []
    await relays.join(layer, "BTC-USDT", got.append)
    venues = TwoVenues()
    store = MemoryLiveStore()
    publisher = LivePublisher(venues.sink, layer=layer, store=store, hz=20, depth=5)
    task = asyncio.create_task(publisher.run())
    try:
        for i in range(30):
            venues.change(Decimal(i + 1))
            await asyncio.sleep(0.01)
        version = venues.sink.books["BTC-USDT"].version
        await _until(lambda: got and got[-1]["version"] == version, "the last change at the relay")
        await _until(lambda: publisher.published == len(got), "every publication at the relay")
        # Both copies went out: the pub/sub one ...
        published, deadline = [], time.monotonic() + 5
        while len(published) < publisher.published and time.monotonic() < deadline:
            message = await heard.get_message(ignore_subscribe_messages=True, timeout=0.5)
            if message is not None:  # None: the subscription's confirmation, or nothing yet
                published.append(message)
        assert len(published) == publisher.published
        # ... and the group's, which the relay dropped as already passed on.
        group = []
        while True:
            try:
                group.append(await asyncio.wait_for(layer.receive(group_channel), 1))
            except TimeoutError:
                break
        assert len(group) == publisher.published
        assert [p["published_at"] for p in got] == [m["payload"]["published_at"] for m in group]
        versions = [p["version"] for p in got]
        assert versions == sorted(versions) and len(set(versions)) == len(versions)
        assert got[-1]["consolidated"]["bids"][1] == ["99", "30", {"binance:BTCUSDT": "30"}]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await relays.leave(layer, "BTC-USDT", got.append)
        await heard.aclose()
        await lane.close()
        await layer.flush()


async def test_installs_on_one_redis_do_not_hear_each_other(redis_url):
    base, _, db = redis_url.rpartition("/")
    other_db = f"{base}/{(int(db) + 1) % 16}"
    ours, same_db_other_prefix, same_prefix_other_db = (
        _layer(redis_url),
        _layer(redis_url),
        RedisChannelLayer(hosts=[other_db]),
    )
    same_prefix_other_db.prefix = ours.prefix
    channels = {
        fast_lane(layer).channel("BTC-USDT") for layer in (ours, same_db_other_prefix, same_prefix_other_db)
    }
    assert len(channels) == 3
