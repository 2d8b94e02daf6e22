"""The product variants the order upsert keeps: each SKU's product, size and colour from its latest sale, which the
exchange options read instead of every order line."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.integrations.shop import CatalogueShopClient, Variant
from rma.orders.models import OrderLine, ProductVariant
from rma.orders.services import order_upsert
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


def order(number: int, placed_at: str, *lines: dict[str, str]) -> dict[str, object]:
    return {
        "external_id": f"shop-{number}",
        "number": f"ML-{number}",
        "customer_email": "helene.dupont@example.fr",
        "placed_at": placed_at,
        "lines": [
            {"external_id": str(index), "name": "Tee", "quantity": 1, "unit_price": "19.90", **line}
            for index, line in enumerate(lines, start=1)
        ],
    }


def variants() -> list[tuple[str, str, str, str]]:
    return list(ProductVariant.objects.values_list("sku", "product_ref", "size", "colour"))


def test_an_order_records_the_variants_it_sold_once_each():
    order_upsert(
        data=order(
            1,
            "2026-11-01T10:00:00+01:00",
            {"sku": "TEE-BLU-M", "product_ref": "TEE", "size": "M", "colour": "bleu"},
            {"sku": "TEE-BLU-M", "product_ref": "TEE", "size": "M", "colour": "bleu"},  # the same SKU twice
            {"sku": "TEE-RED-L", "product_ref": "TEE", "size": "L", "colour": "rouge"},
        )
    )
    assert variants() == [("TEE-BLU-M", "TEE", "M", "bleu"), ("TEE-RED-L", "TEE", "L", "rouge")]


def test_an_order_upserted_later_adds_its_variants_to_the_exchange_options():
    order_upsert(data=order(1, "2026-11-01T10:00:00+01:00", {"sku": "TEE-BLU-M", "product_ref": "TEE", "size": "M"}))
    client = CatalogueShopClient()
    assert [v.sku for v in client.variants_available(product_ref="TEE", sku="TEE-BLU-M")] == ["TEE-BLU-M"]

    order_upsert(data=order(2, "2026-11-05T10:00:00+01:00", {"sku": "TEE-BLU-S", "product_ref": "TEE", "size": "S"}))

    assert client.variants_available(product_ref="TEE", sku="TEE-BLU-M") == [
        Variant("TEE-BLU-S", "S", "", True),
        Variant("TEE-BLU-M", "M", "", True),
    ]
    # Without the line's product reference, the SKU's own gives it.
    assert [v.sku for v in client.variants_available(product_ref="", sku="TEE-BLU-S")] == ["TEE-BLU-S", "TEE-BLU-M"]
    assert client.variant_for_sku(sku="TEE-BLU-S") == Variant("TEE-BLU-S", "S", "", True)


def test_the_latest_sale_wins_and_an_older_one_arriving_late_changes_nothing():
    order_upsert(data=order(1, "2026-11-01T10:00:00+01:00", {"sku": "TEE-1", "product_ref": "TEE", "colour": "bleu"}))
    order_upsert(data=order(2, "2026-11-09T10:00:00+01:00", {"sku": "TEE-1", "product_ref": "TEE", "colour": "azur"}))
    # An old order imported after the others (a backfill of history) says what was true then.
    order_upsert(data=order(3, "2026-10-01T10:00:00+01:00", {"sku": "TEE-1", "product_ref": "OLD", "colour": "gris"}))

    assert variants() == [("TEE-1", "TEE", "", "azur")]


def test_a_sale_that_leaves_a_value_blank_keeps_what_an_earlier_one_said():
    order_upsert(data=order(1, "2026-11-01T10:00:00+01:00", {"sku": "TEE-1", "product_ref": "TEE", "size": "M"}))
    order_upsert(data=order(2, "2026-11-09T10:00:00+01:00", {"sku": "TEE-1", "colour": "bleu"}))  # no product, no size

    assert variants() == [("TEE-1", "TEE", "M", "bleu")]
    assert [v.sku for v in CatalogueShopClient().variants_available(product_ref="", sku="TEE-1")] == ["TEE-1"]


def test_an_order_changed_in_the_shop_updates_the_variant_it_names():
    order_upsert(data=order(1, "2026-11-01T10:00:00+01:00", {"sku": "TEE-1", "product_ref": "TEE", "size": "M"}))
    order_upsert(data=order(1, "2026-11-01T10:00:00+01:00", {"sku": "TEE-1", "product_ref": "TEE", "size": "L"}))

    assert variants() == [("TEE-1", "TEE", "L", "")]


def test_the_same_order_again_writes_no_variant():
    payload = order(1, "2026-11-01T10:00:00+01:00", {"sku": "TEE-1", "product_ref": "TEE", "size": "M"})
    order_upsert(data=payload)
    stamp = ProductVariant.objects.get().updated_at

    with CaptureQueriesContext(connection) as queries:
        assert order_upsert(data=payload).outcome == "unchanged"

    assert not [query for query in queries if "orders_productvariant" in query["sql"]]
    assert ProductVariant.objects.get().updated_at == stamp


def test_the_migration_fills_the_variants_of_the_orders_already_stored():
    OrderLineFactory(sku="JEAN-38", product_ref="JEAN", size="38", order__placed_at="2026-10-01T10:00:00Z")
    OrderLineFactory(sku="JEAN-38", product_ref="", size="38", colour="brut", order__placed_at="2026-11-01T10:00:00Z")
    OrderLineFactory(sku="JEAN-40", product_ref="JEAN", size="40", order__placed_at="2026-09-01T10:00:00Z")
    ProductVariant.objects.all().delete()  # as before the migration: only order lines
    assert OrderLine.objects.count() == 3

    fill = importlib.import_module("rma.orders.migrations.0005_product_variant_backfill").product_variants_fill
    fill(apps, connection.schema_editor())

    assert variants() == [("JEAN-38", "JEAN", "38", "brut"), ("JEAN-40", "JEAN", "40", "")]
