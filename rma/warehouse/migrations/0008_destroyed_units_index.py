"""The destroyed units' report reads its rows from a partial index of the destroyed dispositions, in its order,
instead of every disposition: built CONCURRENTLY on PostgreSQL, so the migration is not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("warehouse", "0007_grade_signals_wear_defaults"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="disposition",
            index=models.Index(
                fields=["confirmed_at", "id"],
                condition=models.Q(("kind", "destroy")),
                name="warehouse_destroyed_units",
            ),
        ),
    ]
