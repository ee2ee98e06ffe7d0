"""Reads of the exchanges app."""

from __future__ import annotations

from django.conf import settings
from django.db.models import CharField, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from exchanges.models import Exchange, FeedState, Instrument
from exchanges.types import Endpoints, InstrumentSpec


def enabled_instruments() -> list[Instrument]:
    return list(
        Instrument.objects.select_related("exchange")
        .filter(enabled=True, exchange__enabled=True)
        .order_by("id")
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


# What the web side says when the feed process has no row for something that should stream: it is
# not running, or has not applied the change yet (it reports within a few seconds of applying).
NOT_REPORTED = "not reported by the feed process (not running, or the change is not applied yet)"


def feed_status() -> dict:
    """What /api/status shows: every enabled venue and instrument, with the state and reason the
    feed process last reported. Rows of what is disabled or deleted are left out: the feed
    process stops streaming them when it applies the change."""
    rows = {r.key: r for r in FeedState.objects.all()}
    instruments = sorted(enabled_instruments(), key=lambda i: (i.exchange.venue, i.symbol))
    streamed = {i.exchange.venue for i in instruments}
    venues = []
    for exchange in Exchange.objects.filter(enabled=True).order_by("venue"):
        if exchange.venue not in streamed:
            venues.append(_unreported(exchange.venue, "", "idle", "no enabled instrument"))
        else:
            venues.append(_reported(rows.get(exchange.venue), exchange.venue, ""))
    return {
        "venues": venues,
        "instruments": [_reported(rows.get(i.key), i.exchange.venue, i.symbol) for i in instruments],
    }


def _reported(row: FeedState | None, venue: str, symbol: str) -> dict:
    if row is None:
        return _unreported(venue, symbol, "unknown", NOT_REPORTED)
    head = {"venue": venue, "symbol": symbol} if symbol else {"venue": venue}
    return {
        **head,
        "state": row.state,
        "reason": row.reason,
        "updated_at": row.updated_at.isoformat(),
        **row.counters,
    }


def _unreported(venue: str, symbol: str, state: str, reason: str) -> dict:
    head = {"venue": venue, "symbol": symbol} if symbol else {"venue": venue}
    return {**head, "state": state, "reason": reason, "updated_at": None}


def with_feed_state(queryset: QuerySet) -> QuerySet:
    """Exchanges or instruments annotated with their FeedState row's `feed_state` and `feed_reason`
    (None where the feed process has no row), in one query for an admin page."""
    if queryset.model is Exchange:
        key = F("venue")
    else:
        key = Concat("exchange__venue", Value(":"), "symbol", output_field=CharField())
    rows = FeedState.objects.filter(key=OuterRef("feed_key"))
    return queryset.annotate(
        feed_key=key,
        feed_state=Subquery(rows.values("state")[:1]),
        feed_reason=Subquery(rows.values("reason")[:1]),
    )


def feed_state_text(obj: Exchange | Instrument) -> str:
    """The feed process's side of an admin row (annotated by `with_feed_state`): what it applied."""
    state, reason = getattr(obj, "feed_state", None), getattr(obj, "feed_reason", "") or ""
    on = obj.enabled and (obj.exchange.enabled if isinstance(obj, Instrument) else True)
    if state is None:
        return "not reported yet" if on else "off"
    if not on:
        return f"still streamed ({state}): the change is not applied yet"
    return f"{state}: {reason}" if reason else state
