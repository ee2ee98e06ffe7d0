"""A symbol the venue refuses, added in the admin with no instrument list to check it against,
shows as `invalid` with the venue's message in /api/status and the admin's Feed column; the other
books of its venue stay live and later admin changes on that venue apply within seconds, not after
the ~30 s a never-syncing book used to hold every change of its venue."""

import asyncio
import time
from html import unescape

import pytest

from exchanges.feedprocess import FeedProcess, FeedProcessOptions
from exchanges.models import Exchange, FeedState, Instrument
from tests.exchanges.admin_forms import INSTRUMENT_ADD_URL, instrument_form
from tests.exchanges.live_status import poll, status

pytestmark = pytest.mark.django_db(transaction=True)


async def test_refused_symbol_is_invalid_and_later_changes_apply_at_once(seeded, async_client, admin_user):
    await async_client.aforce_login(admin_user)
    process = FeedProcess(FeedProcessOptions(simulate=True, store=False))
    task = asyncio.create_task(process.run())
    try:
        await asyncio.wait_for(process.ready.wait(), 20)

        async def all_live():
            shown = await status(async_client)
            return len(shown) == 8 and all(b["state"] == "live" for b in shown.values())

        await poll(all_live, timeout=30, what="8 live books")
        spot = await Exchange.objects.aget(venue="binance")
        page = await async_client.post(
            INSTRUMENT_ADD_URL,
            instrument_form(spot, symbol="NOPEUSDT", base="NOPE", quote="USDT"),
            follow=True,
        )
        text = unescape(page.content.decode())
        assert "NOPEUSDT could not be checked" in text and "Sent to the feed process" in text

        async def invalid():
            book = (await status(async_client)).get("binance:NOPEUSDT", {})
            return book.get("state") == "invalid" and book

        book = await poll(invalid, timeout=20, what="binance:NOPEUSDT invalid in /api/status")
        assert "Invalid symbol" in book["reason"]
        shown = await status(async_client)
        assert shown["binance:BTCUSDT"]["state"] == shown["binance:ETHUSDT"]["state"] == "live"
        changelist = unescape(
            (await async_client.get("/admin/exchanges/instrument/?q=NOPEUSDT")).content.decode()
        )
        assert "invalid: " in changelist and "Invalid symbol" in changelist

        # Another change on the same venue is applied within seconds.
        eth = await Instrument.objects.aget(exchange=spot, symbol="ETHUSDT")
        started = time.monotonic()
        await async_client.post(
            "/admin/exchanges/instrument/", {"action": "disable_instruments", "_selected_action": [eth.pk]}
        )

        async def applied():
            return not await FeedState.objects.filter(key="binance:ETHUSDT").aexists()

        await poll(applied, timeout=30, what="the disable of binance:ETHUSDT applied")
        assert time.monotonic() - started < 10
    finally:
        process.stop()
        await asyncio.wait_for(task, 10)
