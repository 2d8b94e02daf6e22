"""An index of each warehouse's expected shipments (announced or on their way) in the order its board and API list
them, oldest move first (dispatched, else closed, else created), so that a page reads its own rows instead of
sorting every expected shipment. Built CONCURRENTLY on PostgreSQL, so the migration is not atomic."""

from django.db import migrations, models
from django.db.models.functions import Coalesce

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("shipping", "0006_shipment_store_newest_index"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="shipment",
            index=models.Index(
                models.F("warehouse"),
                Coalesce("dispatched_at", "closed_at", "created_at"),
                models.F("id"),
                condition=models.Q(status__in=("closed", "dispatched")),
                name="shipping_shipment_expected",
            ),
        ),
    ]
