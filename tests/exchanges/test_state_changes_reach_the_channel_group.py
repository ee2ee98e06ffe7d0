"""Book state changes are published to the status group, on the in-memory layer and on real Redis."""

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer
from channels_redis.core import RedisChannelLayer

from exchanges.status import StatusBoard
from tests.exchanges.connectors.frames import depth, snapshot


@pytest.fixture(params=["memory", "redis"])
async def layer(request, redis_url):
    if request.param == "memory":
        yield InMemoryChannelLayer()
    else:
        layer = RedisChannelLayer(hosts=[redis_url], prefix="marketagg-test")
        yield layer
        await layer.flush()


async def test_syncing_then_live_arrive_on_the_group(layer, venue, run_feeds):
    listener = await layer.new_channel()
    await layer.group_add("marketagg.status.test", listener)
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("1", "1")])]
    await run_feeds(
        venue, "binance", ["BTCUSDT"], sink=StatusBoard(layer=layer, group="marketagg.status.test")
    )
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "1")]))
    states = []
    while "live" not in states:
        message = await asyncio.wait_for(layer.receive(listener), timeout=10)
        assert message["type"] == "feed.state" and message["venue"] == "binance"
        assert message["symbol"] == "BTCUSDT"
        states.append(message["state"])
    assert states[-2:] == ["syncing", "live"]
