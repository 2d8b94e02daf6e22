"""Indexes from which the warehouse board counts its lists without reading their rows: the expected shipments' index
also holds the columns its order and late flag read (PostgreSQL reads an expression's columns from an index only when
they are in it themselves), and a label's delivery status is read by its return. Built CONCURRENTLY on PostgreSQL,
the new shipments' index before the one it replaces is dropped, so the migration is not atomic."""

from django.db import migrations, models
from django.db.models.functions import Coalesce

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres, RemoveIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("shipping", "0009_label_waiting_index"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="label",
            index=models.Index(
                fields=["return_request", "tracking_status", "tracking_alert"], name="shipping_label_delivery"
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="shipment",
            index=models.Index(
                models.F("warehouse"),
                Coalesce("dispatched_at", "closed_at", "created_at"),
                models.F("id"),
                models.F("status"),
                models.F("dispatched_at"),
                models.F("closed_at"),
                models.F("created_at"),
                condition=models.Q(("status__in", ("closed", "dispatched"))),
                name="shipping_shipment_on_its_way",
            ),
        ),
        RemoveIndexConcurrentlyOnPostgres(model_name="shipment", name="shipping_shipment_expected"),
    ]
