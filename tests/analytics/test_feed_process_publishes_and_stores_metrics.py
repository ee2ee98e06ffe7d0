"""The feed process against the simulator: the default metric configs (migration) are computed on
the live consolidated books, published in the payload where they match a computation from the
payload's own levels, and stored as 1 s metric bars by the feed process's writer."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from analytics.models import MetricBar, MetricConfig
from books.live import live_store
from exchanges.feedprocess import FeedProcess, FeedProcessOptions
from tests.exchanges.connectors.scripted_venue import wait_for

approx = pytest.approx


def independent(consolidated: dict) -> dict:
    """Mid, spread, top-10 imbalance and microprice from the payload's levels, by the textbook."""
    bids = [(float(p), float(q)) for p, q, _ in consolidated["bids"]]
    asks = [(float(p), float(q)) for p, q, _ in consolidated["asks"]]
    (bid, qb), (ask, qa) = bids[0], asks[0]
    b10, a10 = sum(q for _, q in bids[:10]), sum(q for _, q in asks[:10])
    return {
        "mid": (bid + ask) / 2,
        "spread": {"abs": ask - bid, "bps": (ask - bid) / ((bid + ask) / 2) * 1e4},
        "imbalance": (b10 - a10) / (b10 + a10),
        "microprice": (bid * qa + ask * qb) / (qa + qb),
    }


def default_configs():
    """The configs the data migration seeds (an earlier transactional test may have emptied the
    table since): imbalance over the top 10 levels, spread, mid and microprice."""
    for metric, params in (("imbalance", {"levels": 10}), ("spread", {}), ("mid", {}), ("microprice", {})):
        MetricConfig.objects.get_or_create(
            pair="BTC-USDT", label=metric, defaults={"metric": metric, "params": params}
        )


@pytest.mark.django_db(transaction=True)
async def test_metrics_are_published_and_stored(seeded):
    await sync_to_async(default_configs)()
    store = live_store()
    store.clear()
    process = FeedProcess(FeedProcessOptions(simulate=True, store=True))
    task = asyncio.create_task(process.run())
    try:
        await asyncio.wait_for(process.ready.wait(), 20)

        def published():
            payload = store.get("BTC-USDT")
            return payload is not None and payload["metrics"].get("mid") is not None

        try:
            await wait_for(published, timeout=30, what="BTC-USDT published with metrics")
        except AssertionError as exc:
            books = {k: b.state for k, b in process.supervisor.books().items()}
            pub = process.publisher
            raise AssertionError(
                f"{exc}: store {store.pairs()}, books {books}, published {pub.published}, "
                f"failures {pub.failures}, consolidated {list(process.consolidated.books)}"
            ) from exc
        payload = store.get("BTC-USDT")
        want = independent(payload["consolidated"])
        got = payload["metrics"]
        assert got["mid"] == approx(want["mid"], rel=1e-12)
        assert got["spread"] == {"abs": approx(want["spread"]["abs"]), "bps": approx(want["spread"]["bps"])}
        assert got["imbalance"] == approx(want["imbalance"], rel=1e-9)
        assert got["microprice"] == approx(want["microprice"], rel=1e-12)

        count = sync_to_async(
            lambda: MetricBar.objects.filter(pair="BTC-USDT", metric="mid", interval="1s").count()
        )
        deadline = asyncio.get_running_loop().time() + 30
        while await count() < 2:  # bars of whole seconds, flushed by the writer
            assert asyncio.get_running_loop().time() < deadline, "no 1 s metric bars stored"
            await asyncio.sleep(0.1)
    finally:
        process.stop()
        await asyncio.wait_for(task, 15)
    names = await sync_to_async(lambda: set(MetricBar.objects.values_list("metric", flat=True)))()
    assert {"mid", "spread.abs", "spread.bps", "imbalance", "microprice"} <= names
