"""An index on UPPER(number): the customer's order lookup compares Upper(number) (rma.orders.selectors), which a
plain index on `number` cannot serve. Built CONCURRENTLY on PostgreSQL, so the migration is not atomic."""

from django.db import migrations, models
from django.db.models.functions import Upper

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


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
