"""A partial index on the labels waiting to be made in a batch (pending, never tried), in id order: the batches took
them in their returns' order, and PostgreSQL walked every return (or every label) up to the newest ones, about
0.2-0.3 s a batch with half a million labels. Built CONCURRENTLY on PostgreSQL, so the migration is not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("shipping", "0008_shipment_rollup_indexes"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="label",
            index=models.Index(
                condition=models.Q(status="pending", attempts=0), fields=["id"], name="shipping_label_waiting"
            ),
        ),
    ]
