"""HTTP control for tests and demos in other processes: the truth, pause, stall and resume, faults, stats."""

from __future__ import annotations

import msgspec
from aiohttp import web

from books.numbers import plain
from exchanges.simulator.appkeys import SIM
from exchanges.simulator.faults import FaultSpec


def _json(obj, status: int = 200) -> web.Response:
    return web.Response(
        text=msgspec.json.encode(obj).decode(), status=status, content_type="application/json"
    )


async def truth(request: web.Request) -> web.Response:
    sim = request.app[SIM]
    walk = sim.market.walk(request.match_info["venue"], request.match_info["symbol"])
    if walk is None:
        return _json({"error": "unknown instrument"}, status=404)
    book = walk.truth
    try:
        depth = (
            int(request.query["depth"]) if "depth" in request.query else max(len(book.bids), len(book.asks))
        )
    except ValueError:
        return _json({"error": "depth must be an integer"}, status=400)
    bids, asks = book.top(depth)
    return _json(
        {
            "sequence": book.sequence,
            "bids": [[plain(p), plain(q)] for p, q in bids],
            "asks": [[plain(p), plain(q)] for p, q in asks],
        }
    )


async def pause(request: web.Request) -> web.Response:
    """`?venue=deribit` takes that venue down: its books stop, its connections drop and it refuses
    new ones (503) until resumed; the other venues go on. Without it the whole market stops."""
    sim = request.app[SIM]
    market = sim.market
    if "venue" in request.query:
        venue = request.query["venue"]
        market.pause_venue(venue)
        market.down_venues.add(venue)
        for outbox in list(sim._outboxes):
            if outbox.request.path.split("/")[1] == venue:
                outbox.abort()
        return _json({"paused": sorted(market.paused_venues)})
    request.app[SIM].pause()
    return _json({"paused": True})


async def stall(request: web.Request) -> web.Response:
    """`?venue=deribit` stalls that venue: its books stop changing while everything else works
    (connections stay open and answer pings, subscriptions and snapshots answer the still book),
    the way a venue's matching engine or feed hangs. The other venues go on."""
    market = request.app[SIM].market
    if "venue" not in request.query:
        return _json({"error": "which venue? ?venue=V"}, status=400)
    market.pause_venue(request.query["venue"])
    return _json({"stalled": sorted(market.paused_venues - market.down_venues)})


async def resume(request: web.Request) -> web.Response:
    market = request.app[SIM].market
    if "venue" in request.query:
        market.resume_venue(request.query["venue"])
        return _json({"paused": sorted(market.paused_venues)})
    request.app[SIM].resume()
    return _json({"paused": False})


async def faults(request: web.Request) -> web.Response:
    sim = request.app[SIM]
    if request.method == "POST":
        try:
            sim.set_faults(FaultSpec.parse(await request.text()))
        except ValueError as exc:
            return _json({"error": str(exc)}, status=400)
    return _json({"faults": str(sim.faults)})


async def stats(request: web.Request) -> web.Response:
    return _json(request.app[SIM].stats())


@web.middleware
async def refuse_stopped_venues(request: web.Request, handler):
    """A venue taken down with /control/pause?venue=V answers nothing but 503."""
    venue = request.path.split("/")[1] if request.path.count("/") > 1 else ""
    if venue and venue in request.app[SIM].market.down_venues:
        return _json({"error": f"{venue} is down (simulator)"}, status=503)
    return await handler(request)
