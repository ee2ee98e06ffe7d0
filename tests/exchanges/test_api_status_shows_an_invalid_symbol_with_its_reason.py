"""A book the venue refuses is reported `invalid` with the venue's message: in /api/status, in the
FeedState rows and in the admin's Feed column and feed state page. The state comes from the
connector's state event (the FeedSink contract); the other books stay as they are."""

import asyncio
from html import unescape

import pytest

from exchanges.models import Exchange, FeedState, Instrument
from exchanges.status import StatusBoard
from exchanges.types import StateEvent
from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
REFUSAL = 'GET /api/v3/depth answered HTTP 400 {"code":-1121,"msg":"Invalid symbol."}'


@pytest.fixture
def nope(seeded):
    spot = Exchange.objects.get(venue="binance")
    return Instrument.objects.create(
        exchange=spot, symbol="NOPEUSDT", pair="NOPE-USDT", base="NOPE", quote="USDT"
    )


async def settled(venue, run_feeds, board):
    """ETHUSDT live; NOPEUSDT's snapshot loaded and no diff sent for it, so its connector has no
    more state to tell: the invalid event the test gives is the last word, as a refusal would be."""
    for symbol in ("ETHUSDT", "NOPEUSDT"):
        venue.snapshots[symbol] = [snapshot(7, bids=[("3000.5", "1")], asks=[("3001", "2")])]
    sup = await run_feeds(venue, "binance", ["ETHUSDT", "NOPEUSDT"], sink=board)
    await venue.wait_connections(1)
    await venue.send(depth("ETHUSDT", 8, 8, bids=[("3000", "4")]))
    await wait_for(lambda: sup.books()["binance:ETHUSDT"].state == "live")
    await wait_for(lambda: sup.books()["binance:NOPEUSDT"].sequence == 7)
    return sup


async def test_invalid_state_and_reason_reach_status_and_admin(
    nope, venue, run_feeds, async_client, admin_user
):
    board = StatusBoard()
    sup = await settled(venue, run_feeds, board)

    board.state_changed(
        StateEvent(venue="binance", symbol="NOPEUSDT", state="invalid", ts=1.0, reason=REFUSAL)
    )
    # A later handover repeats the state without a reason: the venue's message still holds.
    board.state_changed(
        StateEvent(venue="binance", symbol="NOPEUSDT", state="invalid", ts=2.0, reason="handover")
    )
    await board.save(sup)

    body = (await async_client.get("/api/status")).json()
    shown = {b["symbol"]: b for b in body["instruments"] if b["venue"] == "binance"}
    assert (shown["NOPEUSDT"]["state"], shown["NOPEUSDT"]["reason"]) == ("invalid", REFUSAL)
    assert shown["ETHUSDT"]["state"] == "live"
    row = await FeedState.objects.aget(key="binance:NOPEUSDT")
    assert (row.state, row.reason) == ("invalid", REFUSAL)

    await async_client.aforce_login(admin_user)
    changelist = unescape(
        (await async_client.get("/admin/exchanges/instrument/?q=NOPEUSDT")).content.decode()
    )
    assert f"invalid: {REFUSAL}" in changelist
    states = unescape((await async_client.get("/admin/exchanges/feedstate/")).content.decode())
    assert REFUSAL in states


async def test_disabling_an_invalid_symbol_drops_its_state(nope, venue, run_feeds):
    board = StatusBoard()
    sup = await settled(venue, run_feeds, board)
    board.state_changed(
        StateEvent(venue="binance", symbol="NOPEUSDT", state="invalid", ts=1.0, reason=REFUSAL)
    )
    await board.save(sup)
    assert await FeedState.objects.filter(key="binance:NOPEUSDT", state="invalid").aexists()

    # The admin's disable: a new connector takes over once its ETHUSDT book is live.
    swap = asyncio.create_task(sup.replace_specs([s for s in sup.specs if s.symbol != "NOPEUSDT"]))
    await venue.wait_connections(2)
    await wait_for(lambda: venue.snapshot_requests.count("ETHUSDT") == 2)
    await venue.send(depth("ETHUSDT", 8, 8, bids=[("3000", "4")]))
    await asyncio.wait_for(swap, 10)
    await board.save(sup)

    assert not await FeedState.objects.filter(key="binance:NOPEUSDT").aexists()
    assert "binance:NOPEUSDT" not in {row["key"] for row in board.rows(sup)}
