from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0003_feedstate_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="exchange",
            name="taker_fee",
            field=models.DecimalField(
                decimal_places=8,
                default=Decimal("0"),
                help_text="Taker fee as a fraction (0.001 = 0.1%), applied by cost to trade; 0: none.",
                max_digits=12,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0")),
                    django.core.validators.MaxValueValidator(Decimal("0.1")),
                ],
            ),
        ),
    ]
