"""The SKUs each connected shop already sold, with the platform's product and variant ids from the latest sale (a
blank value keeps what an earlier sale said), as rma.connectors.orders_in.shop_skus_record keeps them from now on."""

from django.db import migrations

REF_FIELDS = ("product_ref", "variant_ref")


def shop_skus_fill(apps, schema_editor):
    alias = schema_editor.connection.alias
    OrderLine = apps.get_model("orders", "OrderLine")
    ShopSku = apps.get_model("connectors", "ShopSku")
    known = {}
    lines = (
        OrderLine.objects.using(alias)
        .filter(order__shop_link__isnull=False)
        .order_by("order__placed_at", "id")
        .values_list("order__shop_link__connection_id", "sku", "product_ref", "variant_ref", "order__placed_at")
    )
    for connection_id, sku, product_ref, variant_ref, placed_at in lines.iterator(chunk_size=10_000):
        row = known.setdefault(
            (connection_id, sku), {"connection_id": connection_id, "sku": sku, "product_ref": "", "variant_ref": ""}
        )
        row["last_sold_at"] = placed_at
        for name, value in zip(REF_FIELDS, (product_ref, variant_ref), strict=True):
            if value:
                row[name] = value
    ShopSku.objects.using(alias).bulk_create(
        [ShopSku(**row) for row in known.values()], batch_size=1000, ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0002_shop_sku"),
        ("orders", "0004_product_variant"),
    ]

    operations = [
        migrations.RunPython(shop_skus_fill, migrations.RunPython.noop, elidable=True),
    ]
