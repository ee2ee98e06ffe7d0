"""The venues and instruments a fresh install streams. Used by the seed migration (with its
historical models) and by tests that empty the tables (with the real ones)."""

from decimal import Decimal

VENUES = [
    ("binance", "Binance spot"),
    ("binance-usdm", "Binance USD-M futures"),
    ("binance-coinm", "Binance COIN-M futures"),
    ("deribit", "Deribit"),
]

# venue, symbol, base, quote, kind, contract size, tick, consolidate into
INSTRUMENTS = [
    ("binance", "BTCUSDT", "BTC", "USDT", "spot", None, "0.01", ""),
    ("binance", "ETHUSDT", "ETH", "USDT", "spot", None, "0.01", ""),
    ("binance-usdm", "BTCUSDT", "BTC", "USDT", "perpetual", "1", "0.1", ""),
    ("binance-usdm", "ETHUSDT", "ETH", "USDT", "perpetual", "1", "0.01", ""),
    ("binance-coinm", "BTCUSD_PERP", "BTC", "USD", "perpetual", "100", "0.1", "BTC-USDT"),
    ("binance-coinm", "ETHUSD_PERP", "ETH", "USD", "perpetual", "10", "0.01", "ETH-USDT"),
    ("deribit", "BTC-PERPETUAL", "BTC", "USD", "perpetual", "10", "0.5", "BTC-USDT"),
    ("deribit", "ETH-PERPETUAL", "ETH", "USD", "perpetual", "1", "0.05", "ETH-USDT"),
]


def seed_defaults(*, exchange_model, instrument_model, using: str = "default") -> None:
    """Create what is missing; never changes rows that exist (safe to run again)."""
    by_venue = {}
    for venue, name in VENUES:
        by_venue[venue], _ = exchange_model.objects.using(using).get_or_create(
            venue=venue, defaults={"name": name}
        )
    for venue, symbol, base, quote, kind, size, tick, into in INSTRUMENTS:
        instrument_model.objects.using(using).get_or_create(
            exchange=by_venue[venue],
            symbol=symbol,
            defaults={
                "pair": f"{base}-{quote}",
                "base": base,
                "quote": quote,
                "kind": kind,
                "contract_size": Decimal(size) if size else None,
                "tick_size": Decimal(tick),
                "consolidate_into": into,
            },
        )
