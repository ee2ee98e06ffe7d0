"""Seed the four venues and the default instruments, so a fresh install streams something."""

from django.db import migrations

from exchanges.defaults import seed_defaults


def seed(apps, schema_editor):
    seed_defaults(
        exchange_model=apps.get_model("exchanges", "Exchange"),
        instrument_model=apps.get_model("exchanges", "Instrument"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
