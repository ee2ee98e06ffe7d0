"""1-minute trade bars rolled up from books_trade (books.storage.rollup), and the rollup's progress.

Plain tables on every backend: a few rows per instrument and minute, read by `bars()`.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("books", "0001_initial"),
        ("exchanges", "0002_seed_venues_and_instruments"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupState",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("last_trade_id", models.BigIntegerField(default=0)),
                ("pruned_before", models.DateTimeField(blank=True, null=True)),
                ("rolled_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name="TradeMinute",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("bucket", models.DateTimeField(help_text="Start of the minute (UTC).")),
                ("open", models.DecimalField(decimal_places=18, max_digits=38)),
                ("high", models.DecimalField(decimal_places=18, max_digits=38)),
                ("low", models.DecimalField(decimal_places=18, max_digits=38)),
                ("close", models.DecimalField(decimal_places=18, max_digits=38)),
                ("volume", models.DecimalField(decimal_places=18, max_digits=38)),
                ("count", models.BigIntegerField()),
                ("first_time", models.DateTimeField()),
                ("first_id", models.BigIntegerField()),
                ("last_time", models.DateTimeField()),
                ("last_id", models.BigIntegerField()),
                (
                    "instrument",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="exchanges.instrument",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("instrument", "bucket"), name="books_trademinute_unique")
                ],
            },
        ),
    ]
