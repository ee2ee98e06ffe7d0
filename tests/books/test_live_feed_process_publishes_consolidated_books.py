"""The feed process (`serve`/`runfeeds` with the simulator) keeps the consolidated books and
publishes them: the live store holds each pair's payload and the channel-layer group `book.<PAIR>`
receives it; an instrument disabled in the admin shows as out in the next publication, promptly."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from books.live import live_store
from exchanges.feedprocess import FeedProcess, FeedProcessOptions
from exchanges.models import Instrument
from exchanges.services import instrument_enable

pytestmark = pytest.mark.django_db(transaction=True)

BTC = {"binance:BTCUSDT", "binance-usdm:BTCUSDT", "binance-coinm:BTCUSD_PERP", "deribit:BTC-PERPETUAL"}


async def next_payload(layer, channel, condition, *, timeout: float, what: str) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        try:
            message = await asyncio.wait_for(layer.receive(channel), left)
        except TimeoutError:
            continue
        if condition(message["payload"]):
            return message["payload"]


def _in(payload) -> set[str]:
    return {m["key"] for m in payload["members"] if m["included"]}


async def test_the_feed_process_publishes_consolidated_books(seeded):
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("book.BTC-USDT", channel)
    process = FeedProcess(FeedProcessOptions(simulate=True, store=False))
    task = asyncio.create_task(process.run())
    try:
        await asyncio.wait_for(process.ready.wait(), 20)
        payload = await next_payload(
            layer, channel, lambda p: _in(p) == BTC, timeout=30, what="all four BTC books in"
        )
        assert payload["pair"] == "BTC-USDT" and payload["quotes"] == ["USD", "USDT"]
        assert payload["consolidated"]["bids"] and payload["consolidated"]["asks"]
        assert "venues" not in payload
        stored = live_store().get("BTC-USDT")
        assert stored is not None and set(stored["venues"]) <= BTC
        assert "ETH-USDT" in live_store().pairs()

        deribit = await Instrument.objects.select_related("exchange").aget(
            exchange__venue="deribit", symbol="BTC-PERPETUAL"
        )
        assert await sync_to_async(instrument_enable)(instrument=deribit, enabled=False)
        payload = await next_payload(
            layer,
            channel,
            lambda p: any(
                m["key"] == "deribit:BTC-PERPETUAL" and m["state"] == "disabled" for m in p["members"]
            ),
            timeout=20,
            what="deribit listed as disabled",
        )
        assert _in(payload) == BTC - {"deribit:BTC-PERPETUAL"}
        assert all("deribit:BTC-PERPETUAL" not in by for _, _, by in payload["consolidated"]["bids"])
    finally:
        process.stop()
        await asyncio.wait_for(task, 30)
        live_store().clear()
