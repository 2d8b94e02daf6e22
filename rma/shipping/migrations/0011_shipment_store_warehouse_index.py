"""The shops that ship to a warehouse (the filter of its discrepancy report) are found with one probe a shop of an
index on (store, warehouse), instead of joining every shipment: built CONCURRENTLY on PostgreSQL, so the migration is
not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("shipping", "0010_board_covering_indexes"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="shipment",
            index=models.Index(fields=["store", "warehouse"], name="shipping_shipment_store_wh"),
        ),
    ]
