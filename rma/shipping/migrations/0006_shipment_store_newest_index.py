"""An index of each shop's shipments in the order its list shows them (newest first), so that a page of the list
reads its own rows instead of every shipment the shop ever sent. Built CONCURRENTLY on PostgreSQL, so the migration
is not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("shipping", "0005_label_tracking_events"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="shipment",
            index=models.Index(fields=("store", "created_at", "id"), name="shipping_shipment_store_newest"),
        ),
    ]
