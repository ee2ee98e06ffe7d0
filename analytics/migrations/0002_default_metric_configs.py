"""Metrics on out of the box (`make demo` shows them): imbalance over the top 10 levels, spread, mid
and microprice on BTC-USDT and ETH-USDT. Added only where the pair has no config of that label."""

from django.db import migrations

DEFAULTS = [
    ("imbalance", {"levels": 10}),
    ("spread", {}),
    ("mid", {}),
    ("microprice", {}),
]
PAIRS = ("BTC-USDT", "ETH-USDT")


def seed(apps, schema_editor):
    rows = apps.get_model("analytics", "MetricConfig").objects.using(schema_editor.connection.alias)
    for pair in PAIRS:
        for metric, params in DEFAULTS:
            rows.get_or_create(
                pair=pair, label=metric, defaults={"metric": metric, "params": params, "enabled": True}
            )


def unseed(apps, schema_editor):
    rows = apps.get_model("analytics", "MetricConfig").objects.using(schema_editor.connection.alias)
    for pair in PAIRS:
        for metric, params in DEFAULTS:
            rows.filter(pair=pair, label=metric, metric=metric, params=params).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
