"""Indexes for pages that grew with the data: the warehouse board (a warehouse's returns by status, and partial
indexes holding each of its two lists in their order) and the API's case-insensitive contact email filter (it
compares Lower(contact_email)). Built CONCURRENTLY on PostgreSQL, so the migration is not atomic."""

from django.db import migrations, models
from django.db.models.functions import Lower

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("locations", "0004_drop_off_point_earth_index"),
        ("returns", "0009_fill_status_changed_and_received_at"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="returnrequest",
            index=models.Index(Lower("contact_email"), models.F("created_at"), name="returns_contact_lower_created"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="returnrequest",
            index=models.Index(
                fields=["destination_warehouse", "status", "status_changed_at"], name="returns_dest_status_moved"
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="returnrequest",
            index=models.Index(
                condition=models.Q(("returnless", False), ("status__in", ("in_transit", "label_ready", "approved"))),
                fields=["destination_warehouse", "status_changed_at", "id"],
                name="returns_expected_board",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="returnrequest",
            index=models.Index(
                condition=models.Q(("status__in", ("received", "inspected"))),
                fields=["destination_warehouse", "received_at", "id"],
                name="returns_awaiting_board",
            ),
        ),
    ]
