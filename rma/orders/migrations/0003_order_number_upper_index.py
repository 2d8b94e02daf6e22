"""An index on UPPER(number): the customer's order lookup compares Upper(number) (rma.orders.selectors), which a
plain index on `number` cannot serve. Built CONCURRENTLY on PostgreSQL, so the migration is not atomic."""

from django.db import migrations, models
from django.db.models.functions import Upper


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
        ("orders", "0002_orderline_unit_tax_orderline_variant_ref_and_more"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="order",
            index=models.Index(Upper("number"), name="orders_order_number_upper"),
        ),
    ]
