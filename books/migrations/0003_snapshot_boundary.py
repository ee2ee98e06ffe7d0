"""Each stored snapshot keeps the live book's boundaries (books/orderbook.py), so `book_at`
ignores the deltas past them as the live book did: a book rebuilt from storage has no hole.

Nullable columns added in place: ALTER TABLE ... ADD COLUMN works the same on plain, pg_partman
partitioned and TimescaleDB tables, and costs no rewrite of stored rows (they have no boundary).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("books", "0002_trade_minute_rollup"),
    ]

    operations = [
        migrations.AddField(
            model_name="booksnapshot",
            name="bid_boundary",
            field=models.DecimalField(blank=True, decimal_places=18, max_digits=38, null=True),
        ),
        migrations.AddField(
            model_name="booksnapshot",
            name="ask_boundary",
            field=models.DecimalField(blank=True, decimal_places=18, max_digits=38, null=True),
        ),
    ]
