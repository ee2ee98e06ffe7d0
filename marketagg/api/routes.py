"""The API's route table: one entry per endpoint gives its URL, view and documentation, so the
URLconf and the OpenAPI schema are built from the same list and cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass, field

from marketagg import views as status_views
from marketagg.api import bars, views


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    schema: dict
    location: str = "query"
    required: bool = False


@dataclass(frozen=True)
class Route:
    path: str  # Django path syntax
    openapi_path: str
    view: object
    name: str
    summary: str
    params: tuple[Param, ...] = ()
    responses: dict = field(default_factory=dict)
    openapi: dict | None = None  # a complete path item written by the endpoint's owner
    result: dict | None = None  # JSON schema of the 200 answer


PAIR = Param("pair", "Canonical pair, e.g. BTC-USDT (see /api/pairs)", {"type": "string"}, "path", True)
START = Param("start", "ISO 8601 time (no zone: UTC) or unix seconds; inclusive", {"type": "string"})
END = Param("end", "ISO 8601 time or unix seconds; exclusive; default now", {"type": "string"})
BAD = {"400": "A parameter is refused; the body says which and why", "404": "Unknown pair"}

DEC = {"type": "string", "description": "plain decimal (no exponent)"}
LEVEL = {
    "type": "array",
    "description": "[price, total base quantity, {venue key: base quantity}]; with ?venue [price, quantity]",
    "items": {"oneOf": [DEC, {"type": "object", "additionalProperties": DEC}]},
    "minItems": 2,
    "maxItems": 3,
}
MEMBER = {
    "type": "object",
    "properties": {
        "key": {"type": "string"},
        "venue": {"type": "string"},
        "symbol": {"type": "string"},
        "kind": {"type": "string"},
        "quote": {"type": "string"},
        "state": {"type": "string"},
        "reason": {"type": "string"},
        "included": {"type": "boolean"},
    },
}
BOOK_RESULT = {
    "type": "object",
    "properties": {
        "pair": {"type": "string"},
        "ts": {"type": "number", "description": "unix seconds of the last change"},
        "version": {"type": "integer"},
        "depth": {"type": "integer"},
        "group": {**DEC, "nullable": True},
        "members": {"type": "array", "items": MEMBER},
        "crossed": {"type": "object", "nullable": True},
        "metrics": {"type": "object"},
        "bids": {"type": "array", "items": LEVEL},
        "asks": {"type": "array", "items": LEVEL},
        "venue": {"type": "string", "description": "with ?venue: levels are [price, quantity] in its units"},
    },
    "required": ["pair", "bids", "asks"],
}
PAIRS_RESULT = {
    "type": "object",
    "properties": {
        "pairs": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "pair": {"type": "string"},
                    "members": {"type": "array", "items": MEMBER},
                    "best_bid": {**DEC, "nullable": True},
                    "best_ask": {**DEC, "nullable": True},
                    "ts": {"type": "number", "nullable": True},
                    "crossed": {"type": "object", "nullable": True},
                },
            },
        }
    },
}
BARS_RESULT = {
    "type": "object",
    "properties": {
        "pair": {"type": "string"},
        "metric": {"type": "string"},
        "interval": {"type": "string"},
        "bars": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "time": {"type": "string", "format": "date-time"},
                    **{k: {"type": "number"} for k in ("open", "high", "low", "close", "mean")},
                    "count": {"type": "integer"},
                },
            },
        },
    },
}
TRADES_RESULT = {
    "type": "object",
    "properties": {
        "pair": {"type": "string"},
        "trades": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "time": {"type": "string", "format": "date-time"},
                    "venue": {"type": "string"},
                    "symbol": {"type": "string"},
                    "trade_id": {"type": "string"},
                    "price": DEC,
                    "quantity": DEC,
                    "taker_side": {"type": "string", "enum": ["buy", "sell"]},
                },
            },
        },
        "next_start": {"type": "string", "format": "date-time", "nullable": True},
    },
}

ROUTES: list[Route] = [
    Route(
        "api/pairs",
        "/api/pairs",
        views.pairs,
        "api-pairs",
        "Every pair with a consolidated book: its venue instruments and their state, best bid and ask",
        result=PAIRS_RESULT,
    ),
    Route(
        "api/book/<str:pair>",
        "/api/book/{pair}",
        views.book,
        "api-book",
        "The live consolidated book (base-asset quantities, each level split by venue), or one venue's exact book",
        (
            PAIR,
            Param(
                "depth",
                f"Levels per side (after grouping); default {views.BOOK_DEPTH_DEFAULT}",
                {"type": "integer", "minimum": 1, "maximum": views.BOOK_DEPTH_MAX},
            ),
            Param(
                "venue",
                "A member's key (binance:BTCUSDT) or venue id (binance): that venue's exact book in its own units",
                {"type": "string"},
            ),
            Param(
                "group",
                "Price bucket width in quote units (e.g. 0.5, 10): bids round down, asks up; totals are sums",
                {"type": "string", "pattern": r"^[0-9]*\.?[0-9]+$"},
            ),
        ),
        {**BAD, "503": "The feed process has not published this pair's book yet"},
        result=BOOK_RESULT,
    ),
    Route(
        "api/bars/<str:pair>",
        "/api/bars/{pair}",
        bars.bars,
        "api-bars",
        "Stored bars of one metric of a pair",
        (
            PAIR,
            Param("metric", "Metric name, as in the live book's metrics", {"type": "string"}, required=True),
            Param("interval", "Bar width; default 1m", {"type": "string", "enum": list(bars.INTERVALS)}),
            START,
            END,
        ),
        BAD,
        result=BARS_RESULT,
    ),
    Route(
        "api/trades/<str:pair>",
        "/api/trades/{pair}",
        views.trades,
        "api-trades",
        "Stored trades of every venue instrument of a pair, oldest first; `next_start` pages on",
        (
            PAIR,
            START,
            END,
            Param(
                "limit",
                f"Trades per page; default {views.TRADES_LIMIT_DEFAULT}",
                {"type": "integer", "minimum": 1, "maximum": views.TRADES_LIMIT_MAX},
            ),
        ),
        BAD,
        result=TRADES_RESULT,
    ),
    Route(
        "api/status",
        "/api/status",
        status_views.status,
        "api-status",
        "Every enabled instrument and venue connection as the feed process last reported them",
    ),
]


def optional_routes() -> list[Route]:
    """Endpoints of other parts, routed once their module is there (cost to trade, analytics)."""
    try:
        from analytics.cost_api import COST_OPENAPI, cost_view
    except ImportError:
        return []
    return [
        Route(
            "api/cost/<str:pair>",
            "/api/cost/{pair}",
            cost_view,
            "api-cost",
            COST_OPENAPI["get"]["summary"],
            openapi=COST_OPENAPI,
        )
    ]
