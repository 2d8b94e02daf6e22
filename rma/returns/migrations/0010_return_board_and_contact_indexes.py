"""Indexes for pages that grew with the data: the warehouse board (a warehouse's returns by status, and partial
indexes holding each of its two lists in their order) and the API's case-insensitive contact email filter (it
compares Lower(contact_email)). Built CONCURRENTLY on PostgreSQL, so the migration is not atomic."""

from django.db import migrations, models
from django.db.models.functions import Lower


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """AddIndex that builds CONCURRENTLY on PostgreSQL (no write lock on a large table); plain on SQLite."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, self.index, concurrently=True)
        else:
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)


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
