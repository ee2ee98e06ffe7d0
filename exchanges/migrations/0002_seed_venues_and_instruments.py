"""Seed the four venues and the default instruments, so a fresh install streams something."""

from decimal import Decimal

from django.db import migrations

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


def seed(apps, schema_editor):
    Exchange = apps.get_model("exchanges", "Exchange")
    Instrument = apps.get_model("exchanges", "Instrument")
    db = schema_editor.connection.alias
    by_venue = {}
    for venue, name in VENUES:
        by_venue[venue], _ = Exchange.objects.using(db).get_or_create(venue=venue, defaults={"name": name})
    for venue, symbol, base, quote, kind, size, tick, into in INSTRUMENTS:
        Instrument.objects.using(db).get_or_create(
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


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
