"""An index on created_at: the analytics' roll-ups read the returns requested on a day (rma.insights.rollups).
Built CONCURRENTLY on PostgreSQL, so the migration is not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("returns", "0017_customer_list_entries"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="returnrequest",
            index=models.Index(fields=["created_at"], name="returns_created"),
        ),
    ]
