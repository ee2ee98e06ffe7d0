"""The live publisher puts each pair's full payload in the live store and sends it, cut to the
publish depth and without the venue books, to the channel-layer group `book.<PAIR>`: at most
PUBLISH_HZ times a second however fast the book changes, but at once when a venue leaves or
returns. Live metrics (analytics.live) ride in the payload."""

import asyncio
import contextlib
import time
from decimal import Decimal

from channels.layers import InMemoryChannelLayer

from analytics.live import ConfigSpec, LiveMetrics
from books.live import LivePublisher, MemoryLiveStore
from tests.books.live_fixture import TwoVenues


async def _receive(layer, channel, timeout):
    return await asyncio.wait_for(layer.receive(channel), timeout)


@contextlib.asynccontextmanager
async def _publishing(venues, *, hz, depth=5, metrics=None):
    layer = InMemoryChannelLayer(capacity=1000)
    channel = await layer.new_channel()
    await layer.group_add("book.BTC-USDT", channel)
    store = MemoryLiveStore()
    publisher = LivePublisher(venues.sink, layer=layer, store=store, hz=hz, depth=depth, metrics=metrics)
    task = asyncio.create_task(publisher.run())
    try:
        yield layer, channel, store, publisher
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_changes_are_published_at_most_hz_times_a_second():
    venues = TwoVenues()
    metrics = LiveMetrics([ConfigSpec("BTC-USDT", "mid", "mid", {})])
    async with _publishing(venues, hz=4, metrics=metrics) as (layer, channel, store, publisher):
        started = time.monotonic()
        for i in range(200):  # 200 changes spread over about a second (the workload's pace)
            venues.change(Decimal(i + 1))
            await asyncio.sleep(0.005)
        elapsed = time.monotonic() - started
        version = venues.sink.books["BTC-USDT"].version
        deadline = time.monotonic() + 3
        while (store.get("BTC-USDT") or {}).get("version") != version:  # the last change goes out too
            assert time.monotonic() < deadline, "the last change was never published"
            await asyncio.sleep(0.01)
        messages = []
        while True:
            try:
                messages.append(await _receive(layer, channel, 0.05))
            except TimeoutError:
                break
        # At most one publication per 1/4 s, plus the one the first change sends at once.
        assert 2 <= len(messages) <= elapsed * 4 + 2, (len(messages), elapsed)
        last = messages[-1]
        assert last["type"] == "book.update"
        payload = last["payload"]
        assert "venues" not in payload
        assert payload["consolidated"]["bids"][0] == ["99.5", "10", {"deribit:BTC-PERPETUAL": "10"}]
        assert payload["consolidated"]["bids"][1] == [
            "99",
            "200",
            {"binance:BTCUSDT": "200"},
        ]  # the last change
        assert len(payload["consolidated"]["bids"]) == 5 and len(payload["consolidated"]["asks"]) == 5
        assert payload["metrics"]["mid"] == 99.75  # (99.5 Deribit bid + 100 spot ask) / 2
        # The store holds the full payload: every level, and each venue's own book in venue units.
        full = store.get("BTC-USDT")
        assert full["version"] == payload["version"]
        assert len(full["consolidated"]["bids"]) == 301
        assert full["venues"]["deribit:BTC-PERPETUAL"] == {
            "bids": [["99.5", "995"]],
            "asks": [["100.5", "1005"]],
        }
        assert full["venues"]["binance:BTCUSDT"]["bids"][:2] == [
            ["99", "200"],
            ["98", "1"],
        ]  # rows follow changes
        assert len(full["venues"]["binance:BTCUSDT"]["asks"]) == 300
        assert [m["key"] for m in full["members"]] == ["binance:BTCUSDT", "deribit:BTC-PERPETUAL"]
        assert full["quotes"] == ["USD", "USDT"]
        assert store.pairs() == ["BTC-USDT"]


async def test_a_venue_leaving_and_returning_is_published_at_once():
    venues = TwoVenues()
    async with _publishing(venues, hz=0.2) as (layer, channel, store, publisher):  # one a 5 s, at most
        venues.change(Decimal(3))
        first = await _receive(layer, channel, 2)
        assert all(m["included"] for m in first["payload"]["members"])

        venues.deribit_state("stale", "no change for 30s")
        left = (await _receive(layer, channel, 1.5))["payload"]  # well before the 5 s throttle
        deribit = next(m for m in left["members"] if m["key"] == "deribit:BTC-PERPETUAL")
        assert (
            deribit["state"] == "stale"
            and deribit["reason"] == "no change for 30s"
            and not deribit["included"]
        )
        assert all("deribit:BTC-PERPETUAL" not in by for _, _, by in left["consolidated"]["bids"])

        venues.deribit_state("live", "snapshot")
        back = (await _receive(layer, channel, 1.5))["payload"]
        assert all(m["included"] for m in back["members"])
        assert back["consolidated"]["bids"][0] == ["99.5", "10", {"deribit:BTC-PERPETUAL": "10"}]
