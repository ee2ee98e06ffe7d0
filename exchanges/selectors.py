"""Reads of the exchanges app."""

from __future__ import annotations

from django.conf import settings

from exchanges.models import Exchange, FeedState, Instrument
from exchanges.types import Endpoints, InstrumentSpec


def enabled_instruments() -> list[Instrument]:
    return list(
        Instrument.objects.select_related("exchange").filter(enabled=True, exchange__enabled=True).order_by("id")
    )


def instrument_specs() -> list[InstrumentSpec]:
    """What the feed process streams: every enabled instrument of every enabled exchange."""
    return [
        InstrumentSpec(
            venue=i.exchange.venue,
            symbol=i.symbol,
            pair=i.pair,
            kind=i.kind,
            contract_size=i.contract_size,
            tick_size=i.tick_size,
            depth=i.depth,
            stale_after=i.stale_after,
            id=i.id,
            consolidate_into=i.consolidate_into,
        )
        for i in enabled_instruments()
    ]


def venue_endpoints() -> dict[str, Endpoints]:
    """The real venues, unless the admin overrides a URL (a proxy, the test net, the simulator)."""
    out = {}
    for exchange in Exchange.objects.all():
        default = Endpoints.default(exchange.venue)
        out[exchange.venue] = Endpoints(
            ws_url=exchange.ws_url or default.ws_url, rest_url=exchange.rest_url or default.rest_url
        )
    return out


def simulator_endpoints(port: int | None = None, host: str = "127.0.0.1") -> dict[str, Endpoints]:
    """Where `simulate_exchanges` serves each venue (the same layout as Simulator.endpoints())."""
    port = port or settings.MARKETAGG["SIMULATOR_PORT"]
    out = {}
    for venue in ("binance", "binance-usdm", "binance-coinm", "deribit"):
        ws = f"ws://{host}:{port}/{venue}" + ("/ws/api/v2" if venue == "deribit" else "")
        out[venue] = Endpoints(ws_url=ws, rest_url=f"http://{host}:{port}/{venue}")
    return out


def feed_status() -> dict:
    """What /api/status shows: every connection and instrument the feed process last reported."""
    rows = list(FeedState.objects.all())
    return {
        "venues": [
            {"venue": r.venue, "state": r.state, "updated_at": r.updated_at.isoformat(), **r.counters}
            for r in rows
            if not r.symbol
        ],
        "instruments": [
            {
                "venue": r.venue,
                "symbol": r.symbol,
                "state": r.state,
                "updated_at": r.updated_at.isoformat(),
                **r.counters,
            }
            for r in rows
            if r.symbol
        ],
    }
