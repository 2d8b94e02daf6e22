"""An index for the API's list of returns by status, newest first (`?status=`): a page reads its own rows in order
instead of sorting every return in that status. Built CONCURRENTLY on PostgreSQL, so the migration is not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("returns", "0011_destination_warehouse_single_index_dropped"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="returnrequest",
            index=models.Index(fields=["status", "created_at", "id"], name="returns_status_created"),
        ),
    ]
