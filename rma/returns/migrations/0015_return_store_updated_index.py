"""A partial index of the returns a shop handles, the latest moved first, so that the shop counter's "recently
checked" list reads its own rows instead of every check the shop ever made. Built CONCURRENTLY on PostgreSQL, so the
migration is not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("returns", "0014_return_review_queue_index"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="returnrequest",
            index=models.Index(
                "store", "updated_at", "id", condition=models.Q(store__isnull=False), name="returns_store_updated"
            ),
        ),
    ]
