"""Fixture helpers for the cost API tests: the hand-worked book published in the live store."""

from __future__ import annotations

import pytest

from tests.analytics.cost_books import consolidated


@pytest.fixture(params=["memory", "redis"])
def published(request, settings, seeded, redis_url):
    """The hand-worked BTC-USDT book as the feed process publishes it, in memory or in real Redis."""
    from books.live import build_payload, live_store

    settings.REDIS_URL = "" if request.param == "memory" else redis_url
    books, book = consolidated()
    store = live_store()
    store.put("BTC-USDT", build_payload(book=book, now=1795000000.0))
    yield books, book
    if request.param == "memory":
        store.clear()
    else:
        store._redis.delete("marketagg:live:BTC-USDT", "marketagg:live:pairs")
