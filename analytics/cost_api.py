"""`GET /api/cost/<pair>?side=buy&size=2.5[&unit=base|quote]`: the cost to trade on the live book.

Thin: check the query, read the live-store payload, run the sweep with the exchanges' taker fees.
`COST_PARAMS` and `COST_OPENAPI` describe it for the API's route table and /api/schema.
"""

from __future__ import annotations

from django.http import JsonResponse

from analytics.cost import BadBook, BadOrder, parse_side, parse_size, parse_unit, sweep
from analytics.cost_sources import from_payload, taker_fees
from marketagg.api import params, selectors
from marketagg.api.views import api_view, error

ALLOWED = ("side", "size", "unit")


@api_view
def cost_view(request, pair: selectors.PairInfo):
    q = request.GET
    params.known_only(q, ALLOWED)
    try:
        side = parse_side(q.get("side"))
        size = parse_size(q.get("size"))
        unit = parse_unit(q.get("unit"))
    except BadOrder as exc:
        raise params.BadParam(exc.param, exc.reason) from None
    payload = selectors.live_payload(pair.pair)
    if payload is None:
        response = error(503, f"no live book for {pair.pair} yet: the feed process has not published it")
        response["Retry-After"] = "1"
        return response
    try:
        levels = from_payload(payload)
    except BadBook as exc:
        return error(503, f"the published book of {pair.pair} cannot be read: {exc}")
    result = sweep(
        levels_by_side=levels.levels_by_side,
        side=side,
        size=size,
        unit=unit,
        fees=taker_fees(),
        mid=levels.mid,
        pair=pair.pair,
        venues_in=levels.venues_in,
    )
    return JsonResponse({**result, "ts": payload.get("ts"), "version": payload.get("version")})


_DEC = {"type": "string", "description": "plain decimal"}
_NDEC = {"type": "string", "nullable": True, "description": "plain decimal, null when nothing is filled"}
_MAP = {"type": "object", "additionalProperties": {"type": "string"}}

COST_PARAMS = [
    {
        "name": "pair",
        "in": "path",
        "required": True,
        "description": "Canonical pair, e.g. BTC-USDT (see /api/pairs)",
        "schema": {"type": "string"},
    },
    {
        "name": "side",
        "in": "query",
        "required": True,
        "description": "buy (sweeps the asks) or sell (sweeps the bids)",
        "schema": {"type": "string", "enum": ["buy", "sell"]},
    },
    {
        "name": "size",
        "in": "query",
        "required": True,
        "description": "How much, > 0: base-asset units, or quote notional with unit=quote",
        "schema": {"type": "string", "pattern": r"^[0-9]*\.?[0-9]+$"},
    },
    {
        "name": "unit",
        "in": "query",
        "required": False,
        "description": "base (default) or quote",
        "schema": {"type": "string", "enum": ["base", "quote"], "default": "base"},
    },
]

COST_RESULT_SCHEMA = {
    "type": "object",
    "properties": {
        "pair": {"type": "string"},
        "side": {"type": "string", "enum": ["buy", "sell"]},
        "size": _DEC,
        "unit": {"type": "string", "enum": ["base", "quote"]},
        "filled": {"type": "boolean", "description": "the whole size was filled"},
        "filled_base": _DEC,
        "unfilled": {**_DEC, "description": "what the book could not fill, in the requested unit"},
        "average_price": {**_NDEC, "description": "quote amount / filled base"},
        "worst_price": _NDEC,
        "worst_book_price": {**_NDEC, "description": "the deepest book price taken (before fees)"},
        "best_price": _NDEC,
        "levels_taken": {"type": "integer"},
        "quote_amount": {**_DEC, "description": "cost (buy) or proceeds (sell) in quote"},
        "mid": _NDEC,
        "slippage_bps": {**_NDEC, "description": "vs the mid; positive is a cost"},
        "slippage_best_bps": {**_NDEC, "description": "vs the best price; positive is a cost"},
        "allocations": {**_MAP, "description": "base quantity per venue:SYMBOL"},
        "allocation_quote": {**_MAP, "description": "quote amount per venue:SYMBOL"},
        "venues_in": {"type": "array", "items": {"type": "string"}},
        "per_venue": {"type": "object", "description": "the same sweep on each venue instrument alone"},
        "best_single_venue": {
            "type": "object",
            "nullable": True,
            "properties": {"venue": {"type": "string"}, "average_price": _DEC},
        },
        "saving_bps": {
            **_NDEC,
            "description": "routing vs the best single venue; positive: routing is better",
        },
        "saving_quote": _NDEC,
        "fees_applied": {"type": "boolean"},
        "fees": _MAP,
        "fee_rule": {"type": "string", "nullable": True},
        "ts": {"type": "number"},
        "version": {"type": "integer"},
    },
}

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

COST_OPENAPI = {
    "get": {
        "operationId": "api_cost",
        "summary": "Cost to trade a size on the live consolidated book: the routed sweep across venues, "
        "its split per venue, and the best single venue",
        "parameters": COST_PARAMS,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": COST_RESULT_SCHEMA}}},
            "400": {
                "description": "A missing or bad side, size or unit; the body says which",
                "content": _ERROR,
            },
            "404": {"description": "Unknown pair", "content": _ERROR},
            "503": {
                "description": "The feed process has not published this pair's book yet",
                "content": _ERROR,
            },
        },
    }
}
