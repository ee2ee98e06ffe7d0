"""Metric configs, the rollup mark, and the metric-bar table built per backend (analytics/storage.py).

The MetricBar model state is Django's; its table is RunPython because the DDL depends on what the
server supports (TimescaleDB hypertable, pg_partman partitions, plain table), as for the tick tables.
"""

from django.db import migrations, models

from analytics.storage import create_metric_bar_table, drop_metric_bar_table


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("books", "0002_trade_minute_rollup"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupMark",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("done_before", models.DateTimeField(blank=True, null=True)),
                ("rolled_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MetricBar",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("time", models.DateTimeField(help_text="Start of the interval (UTC).")),
                        ("pair", models.CharField(max_length=32)),
                        ("metric", models.CharField(max_length=120)),
                        (
                            "interval",
                            models.CharField(choices=[("1s", "1 second"), ("1m", "1 minute")], max_length=4),
                        ),
                        ("open", models.FloatField()),
                        ("high", models.FloatField()),
                        ("low", models.FloatField()),
                        ("close", models.FloatField()),
                        ("mean", models.FloatField()),
                        ("count", models.IntegerField()),
                    ],
                    options={
                        "indexes": [
                            models.Index(
                                fields=["pair", "metric", "interval", "time"],
                                name="analytics_bar_series_time",
                            )
                        ],
                    },
                ),
            ],
        ),
        # After the state exists, so the RunPython sees the model it creates the table for.
        migrations.RunPython(create_metric_bar_table, drop_metric_bar_table),
        migrations.CreateModel(
            name="MetricConfig",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("pair", models.CharField(help_text="Canonical pair, e.g. BTC-USDT.", max_length=32)),
                (
                    "metric",
                    models.CharField(help_text="A metric of analytics/metrics/ (its `name`).", max_length=40),
                ),
                (
                    "label",
                    models.CharField(
                        blank=True,
                        help_text="Name of the result and its stored bars (default: the metric name). Give one to run the same metric twice on a pair, e.g. imbalance_top5.",
                        max_length=40,
                    ),
                ),
                (
                    "params",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text='Parameters as JSON, e.g. {"levels": 10}; omitted ones take defaults.',
                    ),
                ),
                ("enabled", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["pair", "label"],
                "constraints": [
                    models.UniqueConstraint(fields=("pair", "label"), name="analytics_metricconfig_unique")
                ],
            },
        ),
    ]
