from aiohttp import web

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_a_429_blocks_snapshot_calls_for_retry_after_seconds(venue, run_feeds):
    def answer(symbol):
        if len(venue.snapshot_requests) == 1:
            return web.json_response(
                {"code": -1003, "msg": "Too many requests"}, status=429, headers={"Retry-After": "1"}
            )
        return snapshot(10, bids=[("1", "1")])

    venue.snapshot_fn = answer
    sup = await run_feeds(venue, "binance", ["BTCUSDT"])
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 11, 11, asks=[("2", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "live", timeout=15)
    first, second = venue.snapshot_times[:2]
    assert second - first >= 1.0  # not one request before the venue said we may
    assert sup.stats()["venues"]["binance"]["rest_errors"] == 1
