"""Fixtures of the web tests: the seeded pairs, a live store with a payload, and channel layers."""

from __future__ import annotations

import uuid

import pytest
from channels.layers import channel_layers, get_channel_layer


@pytest.fixture
def live(seeded):
    """The process's live store (books.live), holding what a test puts in it."""
    from books.live import live_store

    store = live_store()
    yield store


@pytest.fixture(params=["memory", "redis"])
def layer(request, settings, redis_url):
    """The web process's channel layer: in-memory, or the machine's real Redis."""
    if request.param == "memory":
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    else:
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [redis_url], "prefix": f"marketagg-web-test-{uuid.uuid4().hex[:8]}"},
            }
        }
    channel_layers.backends.clear()
    yield get_channel_layer()
    channel_layers.backends.clear()
