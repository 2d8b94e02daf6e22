"""Indexes on dispatched_at and updated_at: the analytics' roll-ups read a day's shipments by dispatch, and the
refresh finds those changed since its last run (rma.insights). Built CONCURRENTLY on PostgreSQL, so the migration is
not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("shipping", "0007_shipment_expected_index"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="shipment",
            index=models.Index(fields=["dispatched_at"], name="shipping_shipment_dispatched"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="shipment",
            index=models.Index(fields=["updated_at"], name="shipping_shipment_updated"),
        ),
    ]
