"""The board's expected list gets an index that also holds its figures' columns (status, send-by date): the board
counts the list's first rows from the index alone instead of reading each row, scattered over a large table. The new
index is built CONCURRENTLY on PostgreSQL before the one it replaces is dropped, so the migration is not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres, RemoveIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("returns", "0019_return_intakes"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="returnrequest",
            index=models.Index(
                condition=models.Q(("returnless", False), ("status__in", ("in_transit", "label_ready", "approved"))),
                fields=["destination_warehouse", "status_changed_at", "id", "status", "send_by"],
                name="returns_expected_covering",
            ),
        ),
        RemoveIndexConcurrentlyOnPostgres(model_name="returnrequest", name="returns_expected_board"),
    ]
