"""The product variants of the orders already stored: each SKU with its product, size and colour from its latest
sale (a blank value keeps what an earlier sale said), as rma.orders.services.product_variants_record keeps them from
now on. One pass over the order lines, oldest first; the variants themselves are few."""

from django.db import migrations

VARIANT_FIELDS = ("product_ref", "size", "colour")


def product_variants_fill(apps, schema_editor):
    alias = schema_editor.connection.alias
    OrderLine = apps.get_model("orders", "OrderLine")
    ProductVariant = apps.get_model("orders", "ProductVariant")
    known = {}
    lines = (
        OrderLine.objects.using(alias)
        .order_by("order__placed_at", "id")
        .values_list("sku", "product_ref", "size", "colour", "order__placed_at")
    )
    for sku, product_ref, size, colour, placed_at in lines.iterator(chunk_size=10_000):
        row = known.setdefault(sku, {"sku": sku, "product_ref": "", "size": "", "colour": ""})
        row["last_sold_at"] = placed_at
        for name, value in zip(VARIANT_FIELDS, (product_ref, size, colour), strict=True):
            if value:
                row[name] = value
    ProductVariant.objects.using(alias).bulk_create(
        [ProductVariant(**row) for row in known.values()], batch_size=1000, ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_product_variant"),
    ]

    operations = [
        migrations.RunPython(product_variants_fill, migrations.RunPython.noop, elidable=True),
    ]
