"""On TimescaleDB, 1 min metric bars as a continuous aggregate of the 1 s bars (a view Django only
reads: MetricBarMinute); other backends keep them as MetricBar rows written by the rollup."""

from django.db import migrations, models

from analytics.storage import create_minute_view, drop_minute_view


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_default_metric_configs"),
    ]

    operations = [
        migrations.CreateModel(
            name="MetricBarMinute",
            fields=[
                ("time", models.DateTimeField(db_column="bucket", primary_key=True, serialize=False)),
                ("pair", models.CharField(max_length=32)),
                ("metric", models.CharField(max_length=120)),
                ("open", models.FloatField()),
                ("high", models.FloatField()),
                ("low", models.FloatField()),
                ("close", models.FloatField()),
                ("mean", models.FloatField()),
                ("count", models.IntegerField()),
            ],
            options={
                "db_table": "analytics_metricbar_1m",
                "managed": False,
            },
        ),
        migrations.RunPython(create_minute_view, drop_minute_view),
    ]
