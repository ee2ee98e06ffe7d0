"""A stored book change is one BookDelta row (its levels as JSON bids/asks), not one row per level.

The feed stores far more changes a second this way (one row and one encode per change instead of
twenty), and a change is read back whole. Existing rows are grouped into changes; the table is
rebuilt the way its backend builds tick tables (TimescaleDB hypertable, pg_partman partitions,
plain table): books/storage/delta_rows.py says how, in both directions.
"""

from django.db import migrations, models

from books.storage.delta_rows import fill_changes, fill_levels, stage_changes, stage_levels


class Migration(migrations.Migration):
    dependencies = [
        ("books", "0004_trade_unique"),
    ]

    operations = [
        # Before the state changes (and after it, going back): the per-level table.
        migrations.RunPython(stage_changes, fill_levels),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="bookdelta", name="side"),
                migrations.RemoveField(model_name="bookdelta", name="price"),
                migrations.RemoveField(model_name="bookdelta", name="quantity"),
                migrations.AddField(
                    model_name="bookdelta",
                    name="bids",
                    field=models.JSONField(
                        default=list, help_text="Changed bid levels: [price, quantity] strings."
                    ),
                ),
                migrations.AddField(
                    model_name="bookdelta",
                    name="asks",
                    field=models.JSONField(
                        default=list, help_text="Changed ask levels: [price, quantity] strings."
                    ),
                ),
            ],
        ),
        # After the state changes: the per-change table, from the grouped rows.
        migrations.RunPython(fill_changes, stage_levels),
    ]
