"""Binance REST: depth snapshots and exchangeInfo for spot (/api/v3), USD-M (/fapi/v1) and
COIN-M (/dapi/v1), with request weights and the REST faults."""

from __future__ import annotations

import asyncio

from aiohttp import web

from exchanges.simulator import binance_frames as frames
from exchanges.simulator.appkeys import SIM
from exchanges.simulator.catalog import SimInstrument
from exchanges.simulator.market import now_ms
from exchanges.simulator.ratelimit import futures_depth_weight, spot_depth_weight

MAX_LIMIT = 5000
DEFAULT_LIMIT = 100


def _error(status: int, code: int, msg: str, headers: dict | None = None) -> web.Response:
    return web.Response(
        status=status,
        text=frames.encode({"code": code, "msg": msg}),
        content_type="application/json",
        headers=headers,
    )


async def _spend(
    request: web.Request, venue: str, weight: int, *, snapshot: bool
) -> tuple[dict, float] | web.Response:
    """Count the weight, then roll the REST faults. Returns the headers for a normal answer and how
    long to hold it back, or the refusal to send instead."""
    sim = request.app[SIM]
    used = sim.weight(venue).add(weight)
    headers = {"X-MBX-USED-WEIGHT-1M": str(used)}
    limit = sim.options.weight_limit_futures if frames.is_futures(venue) else sim.options.weight_limit_spot
    spec = sim.faults
    dice = sim.dice
    retry = {**headers, "Retry-After": str(sim.options.retry_after)}
    sim.counts["rest_requests"] += 1
    if dice.roll("rest418", spec.rest418):
        return _error(418, -1003, "Way too many requests; IP banned until further notice.", retry)
    if used > limit or dice.roll("rest429", spec.rest429):
        if used > limit:
            sim.counts["rest429_weight"] += 1
        return _error(
            429,
            -1003,
            f"Too much request weight used; current limit is {limit} request weight per 1 MINUTE.",
            retry,
        )
    delay = 0.0
    if snapshot and dice.roll("slow_snapshot", spec.slow_snapshot):
        low, high = sim.options.slow_snapshot_seconds
        delay = dice.rng.uniform(low, high)
    return headers, delay


async def depth(request: web.Request) -> web.Response:
    sim = request.app[SIM]
    venue = request.match_info["venue"]
    symbol = request.query.get("symbol")
    if not symbol:
        return _error(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.")
    try:
        limit = int(request.query.get("limit", DEFAULT_LIMIT))
    except ValueError:
        return _error(
            400, -1100, "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'."
        )
    if not 1 <= limit <= MAX_LIMIT:
        return _error(400, -1100, f"Illegal value for parameter 'limit': must be 1..{MAX_LIMIT}.")
    weight = futures_depth_weight(limit) if frames.is_futures(venue) else spot_depth_weight(limit)
    spent = await _spend(request, venue, weight, snapshot=True)
    if isinstance(spent, web.Response):
        return spent
    walk = sim.market.walk(venue, symbol)
    if walk is None:
        return _error(400, -1121, "Invalid symbol.")
    # The snapshot is cut now; a slow answer only arrives late, older than the stream by then.
    # While the clock runs, cut inside the next event like Binance; with a stopped clock (paused,
    # the venue stalled, or rate=0 where tests move books by hand) at the truth itself.
    running = sim.market.running(venue)
    last_id, bids, asks = walk.snapshot(limit, mid_event=sim.dice.rng if running else None)
    body: dict = {"lastUpdateId": last_id}
    if frames.is_futures(venue):
        ts = now_ms()
        body["E"] = ts
        body["T"] = ts
    if venue == "binance-coinm":
        body["symbol"] = symbol
        body["pair"] = frames.coinm_pair(walk.instrument)
    body["bids"] = [[format(p, "f"), format(q, "f")] for p, q in bids]
    body["asks"] = [[format(p, "f"), format(q, "f")] for p, q in asks]
    text = frames.encode(body)
    headers, delay = spent
    if delay:
        await asyncio.sleep(delay)
    return web.Response(text=text, content_type="application/json", headers=headers)


def _filters(inst: SimInstrument) -> list[dict]:
    return [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": format(inst.tick, "f"),
            "maxPrice": "1000000.00000000",
            "tickSize": format(inst.tick, "f"),
        },
        {
            "filterType": "LOT_SIZE",
            "minQty": format(inst.step, "f"),
            "maxQty": "9000.00000000",
            "stepSize": format(inst.step, "f"),
        },
    ]


def _precision(d) -> int:
    return max(0, -d.normalize().as_tuple().exponent)


def symbol_info(inst: SimInstrument) -> dict:
    if inst.venue == "binance":
        return {
            "symbol": inst.symbol,
            "status": "TRADING",
            "baseAsset": inst.base,
            "baseAssetPrecision": 8,
            "quoteAsset": inst.quote,
            "quotePrecision": 8,
            "quoteAssetPrecision": 8,
            "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
            "icebergAllowed": True,
            "isSpotTradingAllowed": True,
            "isMarginTradingAllowed": True,
            "filters": _filters(inst),
            "permissions": [],
            "permissionSets": [["SPOT", "MARGIN"]],
        }
    info = {
        "symbol": inst.symbol,
        "pair": frames.coinm_pair(inst) if inst.venue == "binance-coinm" else inst.symbol,
        "contractType": "PERPETUAL",
        "deliveryDate": 4133404800000,
        "onboardDate": 1569398400000,
        "baseAsset": inst.base,
        "quoteAsset": inst.quote,
        "marginAsset": inst.base if inst.venue == "binance-coinm" else inst.quote,
        "pricePrecision": _precision(inst.tick),
        "quantityPrecision": _precision(inst.step),
        "underlyingType": "COIN",
        "filters": _filters(inst),
        "orderTypes": ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET"],
        "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
    }
    if inst.venue == "binance-coinm":
        info["contractStatus"] = "TRADING"
        info["contractSize"] = int(inst.contract_size)
    else:
        info["status"] = "TRADING"
    return info


async def exchange_info(request: web.Request) -> web.Response:
    sim = request.app[SIM]
    venue = request.match_info["venue"]
    spent = await _spend(request, venue, 1 if frames.is_futures(venue) else 20, snapshot=False)
    if isinstance(spent, web.Response):
        return spent
    limit = sim.options.weight_limit_futures if frames.is_futures(venue) else sim.options.weight_limit_spot
    body = {
        "timezone": "UTC",
        "serverTime": now_ms(),
        "rateLimits": [
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": limit},
        ],
        "exchangeFilters": [],
        "symbols": [symbol_info(i) for i in sim.instruments_of(venue)],
    }
    return web.Response(text=frames.encode(body), content_type="application/json", headers=spent[0])
