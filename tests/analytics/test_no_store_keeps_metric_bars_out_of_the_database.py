"""`runfeeds --no-store` (FeedProcessOptions(store=False)): metrics are still computed and
published, but no metric bar reaches the database."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from analytics.models import MetricBar
from books.live import live_store
from exchanges.feedprocess import FeedProcess, FeedProcessOptions
from tests.analytics.test_feed_process_publishes_and_stores_metrics import default_configs
from tests.exchanges.connectors.scripted_venue import wait_for


@pytest.mark.django_db(transaction=True)
async def test_no_store_publishes_metrics_and_stores_no_bars(seeded):
    await sync_to_async(default_configs)()
    await sync_to_async(MetricBar.objects.all().delete)()
    store = live_store()
    store.clear()
    process = FeedProcess(FeedProcessOptions(simulate=True, store=False))
    task = asyncio.create_task(process.run())
    try:
        await asyncio.wait_for(process.ready.wait(), 20)
        first = {}

        def published_twice():
            payload = store.get("BTC-USDT")
            if payload is None or payload["metrics"].get("mid") is None:
                return False
            first.setdefault("ts", payload["ts"])
            # Two publications whole seconds apart: a 1 s bar would have closed in between.
            return payload["ts"] - first["ts"] >= 2.5

        await wait_for(published_twice, timeout=40, what="BTC-USDT published with metrics for 2.5 s")
    finally:
        process.stop()
        await asyncio.wait_for(task, 20)
    assert process.publisher.metrics.writer is None
    assert await sync_to_async(MetricBar.objects.count)() == 0
