"""One symbol that never syncs (the venue refuses it) must not hold back every admin change on its
venue: the feed process used to wait the whole handover timeout (30 s) for that book at each
change, while the admin said the change was done. The disable of another instrument of the venue
is applied within seconds, and the venue's live books stay live."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async

from exchanges.feedprocess import FeedProcess, FeedProcessOptions
from exchanges.models import Exchange, FeedState, Instrument
from exchanges.services import instrument_enable
from tests.exchanges.live_status import poll

pytestmark = pytest.mark.django_db(transaction=True)


async def states() -> dict[str, str]:
    return {key: state async for key, state in FeedState.objects.values_list("key", "state")}


async def test_disable_applies_within_seconds_beside_a_refused_symbol(seeded):
    spot = await Exchange.objects.aget(venue="binance")
    await Instrument.objects.acreate(
        exchange=spot, symbol="NOPEUSDT", pair="NOPE-USDT", base="NOPE", quote="USDT"
    )
    process = FeedProcess(FeedProcessOptions(simulate=True, store=False))
    task = asyncio.create_task(process.run())
    try:
        await asyncio.wait_for(process.ready.wait(), 20)

        async def others_live():
            now = await states()
            keys = ("binance:BTCUSDT", "binance:ETHUSDT", "binance-usdm:BTCUSDT", "deribit:BTC-PERPETUAL")
            return all(now.get(k) == "live" for k in keys) and "binance:NOPEUSDT" in now

        await poll(others_live, timeout=30, what="the venue's other books live")
        eth = await Instrument.objects.select_related("exchange").aget(exchange=spot, symbol="ETHUSDT")
        started = time.monotonic()
        assert await sync_to_async(instrument_enable)(instrument=eth, enabled=False)

        async def applied():
            return "binance:ETHUSDT" not in await states()

        await poll(applied, timeout=40, what="the disable of binance:ETHUSDT applied")
        took = time.monotonic() - started
        assert took < 10, f"the disable took {took:.1f} s"
        assert (await states())["binance:BTCUSDT"] == "live"
        assert process.supervisor.books()["binance:BTCUSDT"].state == "live"
    finally:
        process.stop()
        await asyncio.wait_for(task, 10)
