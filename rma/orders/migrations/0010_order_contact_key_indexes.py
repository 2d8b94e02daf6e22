"""Indexes on the orders' phone and address keys: a customer's history finds their orders across emails through
them. Built CONCURRENTLY on PostgreSQL (after the backfill, so it is not slowed by index upkeep), so the migration is
not atomic."""

from django.db import migrations, models

from rma.core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0009_order_contact_keys_backfill"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="order",
            index=models.Index(fields=["phone_key"], name="orders_order_phone_key"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="order",
            index=models.Index(fields=["address_key"], name="orders_order_address_key"),
        ),
    ]
