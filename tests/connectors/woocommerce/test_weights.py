"""Weights from WooCommerce: the products' and variations' ``weight`` strings in the store's weight unit, read
with the order in a bounded number of requests, in grams on our lines; a weight that cannot be read is none."""

from io import StringIO

import pytest
from django.core.management import call_command

from rma.connectors.orders_in import order_data_apply
from rma.connectors.platforms import connector_for
from rma.orders.models import OrderLine, ProductVariant
from tests.connectors.woocommerce.conftest import order_payload

pytestmark = pytest.mark.django_db


def mapped(connection, **changes):
    """The order as the connector maps a delivery of it: {sku: grams per unit}."""
    data = connector_for(connection).delivery_map(topic="order.created", payload=order_payload(**changes))
    return {line.sku: line.unit_weight_g for line in data.lines}


def test_each_line_weighs_what_its_variation_or_product_publishes(connection, woo):
    data = connector_for(connection).delivery_map(topic="order.created", payload=order_payload())
    order_data_apply(connection=connection, data=data)

    # The shirt's variation weighs 0.35 kg of its own; the belt (a simple product) 0.2 kg.
    lines = dict(OrderLine.objects.values_list("sku", "unit_weight_g"))
    assert lines == {"CHE-LIN-BLEU-M": 350, "CEI-CUIR": 200}
    assert dict(ProductVariant.objects.values_list("sku", "weight_g")) == lines
    [products] = woo.calls("GET", "products")
    assert products.query["include"] == "22,93"
    [variations] = woo.calls("GET", r"products/93/variations")
    assert variations.query["include"] == "94"
    assert len(woo.calls("GET", r"settings/products/woocommerce_weight_unit")) == 1


def test_a_variation_without_a_weight_of_its_own_weighs_its_products(connection, woo):
    order = order_payload()
    order["line_items"][0].update(variation_id=95, sku="CHE-LIN-BLEU-L")

    data = connector_for(connection).delivery_map(topic="order.created", payload=order)

    assert {line.sku: line.unit_weight_g for line in data.lines} == {"CHE-LIN-BLEU-L": 320, "CEI-CUIR": 200}


@pytest.mark.parametrize(
    ("unit", "belt", "expected"),
    [("kg", "1.2345", 1235), ("g", "180", 180), ("lbs", "0.5", 227), ("oz", "7", 198), ("kg", "0", None)],
)
def test_the_stores_weight_unit_is_converted_to_whole_grams(connection, woo, unit, belt, expected):
    woo.weight_unit = unit
    woo.products[22]["weight"] = belt

    assert mapped(connection)["CEI-CUIR"] == expected


def test_the_connections_weight_unit_spares_reading_the_setting(connection, woo):
    connection.options = {**connection.options, "weight_unit": "g"}
    woo.products[22]["weight"] = "210"

    assert mapped(connection)["CEI-CUIR"] == 210
    assert woo.calls("GET", r"settings/.*") == []


def test_a_variation_that_cannot_be_read_has_no_weight_and_the_order_still_comes_in(connection, woo):
    woo.fail("GET", r"products/93/variations", 500)

    assert mapped(connection) == {"CHE-LIN-BLEU-M": None, "CEI-CUIR": 200}


@pytest.mark.parametrize("fault", ["refused", "unknown unit"])
def test_without_the_stores_weight_unit_no_weight_is_converted(connection, woo, fault):
    if fault == "refused":
        woo.fail("GET", r"settings/products/woocommerce_weight_unit", 403)
    else:
        woo.weight_unit = "stone"

    assert mapped(connection) == {"CHE-LIN-BLEU-M": None, "CEI-CUIR": None}


def test_the_stores_weight_unit_is_read_once_for_many_orders(connection, woo):
    mapped(connection)
    woo.weight_unit = "g"  # changed in the shop: taken within the hour, not at every delivery

    assert mapped(connection) == {"CHE-LIN-BLEU-M": 350, "CEI-CUIR": 200}
    assert len(woo.calls("GET", r"settings/products/woocommerce_weight_unit")) == 1


def test_the_backfill_reads_a_pages_products_and_variations_once(connection, woo):
    for index in range(3):
        order = order_payload(id=900 + index, number=str(900 + index), date_modified_gmt=f"2026-11-0{index + 2}T08:00")
        if index == 2:
            order["line_items"][0].update(variation_id=96, sku="CHE-LIN-BLANC-M")
        woo.add_order(order)

    call_command("shop_sync", "woo-eu", since="2026-11-01T00:00:00+00:00", stdout=StringIO(), stderr=StringIO())

    assert len(woo.calls("GET", "products")) == 1
    [variations] = woo.calls("GET", r"products/93/variations")
    assert variations.query["include"] == "94,96"
    assert len(woo.calls("GET", r"settings/products/woocommerce_weight_unit")) == 1
    weights = set(OrderLine.objects.values_list("order__number", "sku", "unit_weight_g"))
    assert weights == {
        ("WC-900", "CHE-LIN-BLEU-M", 350),
        ("WC-900", "CEI-CUIR", 200),
        ("WC-901", "CHE-LIN-BLEU-M", 350),
        ("WC-901", "CEI-CUIR", 200),
        ("WC-902", "CHE-LIN-BLANC-M", 320),
        ("WC-902", "CEI-CUIR", 200),
    }
