"""A partial index holding the agents' review queue in its order (returns under review, the longest waiting first:
submitted_at with the never-submitted first, then created_at, id), so that a page of the queue reads its own rows.
Built CONCURRENTLY on PostgreSQL, so the migration is not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("returns", "0013_return_status_single_index_dropped"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="returnrequest",
            index=models.Index(
                models.OrderBy(models.F("submitted_at"), nulls_first=True),
                models.OrderBy(models.F("created_at")),
                models.OrderBy(models.F("id")),
                condition=models.Q(("status", "needs_review")),
                name="returns_review_queue",
            ),
        ),
    ]
