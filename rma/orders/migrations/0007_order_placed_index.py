"""An index on placed_at: the analytics' roll-ups read a day's sales at a time (rma.insights.rollups). Built
CONCURRENTLY on PostgreSQL, so the migration is not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0006_line_and_variant_weight"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="order",
            index=models.Index(fields=["placed_at"], name="orders_order_placed"),
        ),
    ]
