"""Weights from PrestaShop: the order detail's ``product_weight`` (the product's with its combination's, as sold),
else the product's and the combination's ``weight``, in the shop's weight unit, as grams on our lines."""

import pytest

from rma.connectors.orders_in import order_data_apply
from rma.orders.models import OrderLine, ProductVariant
from tests.connectors.prestashop.shop import order_add, order_read

pytestmark = pytest.mark.django_db


def weights(data) -> dict[str, int | None]:
    return {line.sku: line.unit_weight_g for line in data.lines}


def test_each_line_weighs_what_its_order_detail_says_it_weighed_when_sold(connection, fake):
    order_add(fake, 5)
    fake.data["products"][1]["weight"] = "0.500000"  # changed since the sale: the order keeps what was sold

    data = order_read(connection, "5")
    order_data_apply(connection=connection, data=data)

    # The t-shirt's 0.3 kg and its size M's 0.02 kg; the mug's 0.35 kg.
    assert weights(data) == {"demo_1-M-WHT": 320, "demo_11": 350}
    assert dict(OrderLine.objects.values_list("sku", "unit_weight_g")) == {"demo_1-M-WHT": 320, "demo_11": 350}
    assert ProductVariant.objects.get(sku="demo_11").weight_g == 350


def test_without_order_details_the_product_and_combination_weights_are_added(connection, fake):
    order_add(fake, 5)
    fake.missing.add("order_details")

    assert weights(order_read(connection, "5")) == {"demo_1-M-WHT": 320, "demo_11": 350}


@pytest.mark.parametrize(
    ("unit", "weight", "expected"),
    [("kg", "1.234500", 1235), ("g", "180.000000", 180), ("lb", "0.705479", 320), ("oz", "7.000000", 198)],
)
def test_the_shops_weight_unit_is_converted_to_whole_grams(connection, fake, unit, weight, expected):
    connection.options = {**connection.options, "weight_unit": unit}
    order_add(fake, 5)
    fake.data["order_details"][502]["product_weight"] = weight

    assert weights(order_read(connection, "5"))["demo_11"] == expected


def test_a_product_never_weighed_has_no_weight(connection, fake):
    fake.data["products"][2]["weight"] = "0.000000"
    order_add(fake, 5)

    assert weights(order_read(connection, "5")) == {"demo_1-M-WHT": 320, "demo_11": None}
