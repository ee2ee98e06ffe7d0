"""An instrument disabled or deleted in the admin leaves /api/status, the admin's feed state and the
FeedState rows once the running feed process stops streaming it, without a restart (it used to stay
`live` with a frozen time), while the other books of its venue stay live."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from exchanges.feedprocess import FeedProcess, FeedProcessOptions
from exchanges.models import FeedState, Instrument
from exchanges.services import instrument_delete, instrument_enable
from tests.exchanges.live_status import poll, status

pytestmark = pytest.mark.django_db(transaction=True)


async def rows() -> dict[str, str]:
    return {key: state async for key, state in FeedState.objects.values_list("key", "state")}


async def test_disabled_and_deleted_instruments_leave_the_status(seeded, async_client):
    process = FeedProcess(FeedProcessOptions(simulate=True, store=False))
    task = asyncio.create_task(process.run())
    try:
        await asyncio.wait_for(process.ready.wait(), 20)

        async def all_live():
            shown = await status(async_client)
            return len(shown) == 8 and all(b["state"] == "live" for b in shown.values())

        await poll(all_live, timeout=30, what="8 live books in /api/status")
        eth = await Instrument.objects.select_related("exchange").aget(
            exchange__venue="binance", symbol="ETHUSDT"
        )
        usdm_eth = await Instrument.objects.select_related("exchange").aget(
            exchange__venue="binance-usdm", symbol="ETHUSDT"
        )

        assert await sync_to_async(instrument_enable)(instrument=eth, enabled=False)
        assert await sync_to_async(instrument_delete)(instrument=usdm_eth)
        # /api/status follows the admin at once: it lists enabled instruments only.
        assert set(await status(async_client)) == {
            "binance:BTCUSDT",
            "binance-usdm:BTCUSDT",
            "binance-coinm:BTCUSD_PERP",
            "binance-coinm:ETHUSD_PERP",
            "deribit:BTC-PERPETUAL",
            "deribit:ETH-PERPETUAL",
        }

        # The feed process drops their rows (and state) once it has applied the change.
        async def dropped():
            keys = await rows()
            return "binance:ETHUSDT" not in keys and "binance-usdm:ETHUSDT" not in keys and keys

        keys = await poll(dropped, timeout=15, what="the FeedState rows of the removed instruments to go")
        assert keys["binance:BTCUSDT"] == keys["binance-usdm:BTCUSDT"] == "live"
        assert "binance:ETHUSDT" not in process.supervisor.books()
        shown = await status(async_client)
        assert shown["binance:BTCUSDT"]["state"] == "live"

        # Switched on again, it comes back live.
        assert await sync_to_async(instrument_enable)(instrument=eth, enabled=True)

        async def back():
            return (await status(async_client)).get("binance:ETHUSDT", {}).get("state") == "live"

        await poll(back, timeout=20, what="binance:ETHUSDT live again in /api/status")
    finally:
        process.stop()
        await asyncio.wait_for(task, 10)
