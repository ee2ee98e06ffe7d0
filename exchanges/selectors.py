"""Reads of the exchanges app."""

from exchanges.models import FeedState, Instrument


def enabled_instruments() -> list[Instrument]:
    return list(
        Instrument.objects.select_related("exchange").filter(enabled=True, exchange__enabled=True).order_by("id")
    )


def feed_status() -> dict:
    """What /api/status shows: every connection and instrument the feed process last reported."""
    rows = FeedState.objects.all()
    return {
        "connections": [
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
