"""A burst of state changes (200 instruments starting at once) reaches the status group whole and
in order, on real Redis: one publish at a time, not a task per change racing for connections."""

import asyncio
import logging
import time

import pytest
from channels_redis.core import RedisChannelLayer

from exchanges.status import StatusBoard
from exchanges.types import StateEvent

GROUP = "marketagg.status.burst"
STATES = ("connecting", "syncing", "live")


@pytest.fixture
async def layer(redis_url):
    layer = RedisChannelLayer(hosts=[redis_url], prefix="marketagg-test-burst", capacity=5000)
    yield layer
    await layer.flush()


async def test_six_hundred_changes_arrive_in_the_order_they_happened(layer, caplog):
    listener = await layer.new_channel()
    await layer.group_add(GROUP, listener)
    board = StatusBoard(layer=layer, group=GROUP)
    sent = []
    with caplog.at_level(logging.WARNING):
        for state in STATES:
            for n in range(200):
                symbol = f"X{n:03d}USDT"
                board.state_changed(StateEvent(venue="binance", symbol=symbol, state=state, ts=time.time()))
                sent.append((symbol, state))
        received = []
        while len(received) < len(sent):
            message = await asyncio.wait_for(layer.receive(listener), timeout=20)
            received.append((message["symbol"], message["state"]))
    assert received == sent
    assert "status publish failed" not in caplog.text
