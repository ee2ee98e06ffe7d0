"""The feed options the settings ask for: MARKETAGG_* (marketagg/settings.py) to FeedOptions.

Every place that builds the connectors' options for a real run (the feed process of `runfeeds`
and `serve`, `record`, `replay`) starts from here, so a documented setting always takes effect.
"""

from __future__ import annotations

from django.conf import settings

from exchanges.connectors import FeedOptions

# FeedOptions field <- settings.MARKETAGG key
FROM_SETTINGS = {
    "backoff_base": ("BACKOFF_BASE", float),
    "backoff_cap": ("BACKOFF_CAP", float),
    "healthy_after": ("HEALTHY_RESET", float),
    "max_streams_per_connection": ("MAX_STREAMS_PER_CONNECTION", int),
    "connection_max_age": ("CONNECTION_MAX_AGE", float),
    "quarantine_size": ("QUARANTINE_SIZE", int),
}


def feed_options_from_settings(**overrides) -> FeedOptions:
    """FeedOptions with the settings' values; `overrides` (say `tap=` or `watchdog=False`) win."""
    conf = settings.MARKETAGG
    values = {field: kind(conf[key]) for field, (key, kind) in FROM_SETTINGS.items()}
    return FeedOptions(**{**values, **overrides})


__all__ = ["FROM_SETTINGS", "feed_options_from_settings"]
