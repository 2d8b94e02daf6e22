"""The orders' phone and address keys indexed with the email: whether a key is shared by more than a few customers
(rma.returns.customer_history) is read from a few index entries, where counting the distinct emails of every order
of a crowded key read them all (34 ms for an address of 27,000 orders, on every return created there). The new
indexes serve every lookup the single-column ones did, which are dropped. Built CONCURRENTLY on PostgreSQL, so the
migration is not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class RemoveIndexConcurrentlyOnPostgres(migrations.RemoveIndex):
    """RemoveIndex that drops CONCURRENTLY on PostgreSQL (no lock on the orders meanwhile); plain elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        schema_editor.remove_index(
            model, index, **({"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {})
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        schema_editor.add_index(
            model, index, **({"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {})
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0010_order_contact_key_indexes"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="order",
            index=models.Index(fields=["phone_key", "customer_email"], name="orders_order_phone_key_email"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="order",
            index=models.Index(fields=["address_key", "customer_email"], name="orders_order_address_key_email"),
        ),
        RemoveIndexConcurrentlyOnPostgres(model_name="order", name="orders_order_phone_key"),
        RemoveIndexConcurrentlyOnPostgres(model_name="order", name="orders_order_address_key"),
    ]
