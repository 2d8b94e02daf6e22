"""Variants for exchanges: PrestaShop's combinations, their attribute groups, stock_availables and taxed prices."""

from decimal import Decimal

import pytest

from rma.connectors.orders_in import order_data_apply
from rma.connectors.platforms import connector_for
from rma.connectors.stock import ConnectionShopClient
from rma.integrations.shop import Variant
from tests.connectors.prestashop.shop import order_add, order_read

pytestmark = pytest.mark.django_db


def test_the_combinations_of_a_product_with_their_stock_and_price(connection, fake):
    variants = connector_for(connection).variants(product_ref="1", variant_ref="2", sku="demo_1-M-WHT")
    assert variants == [
        Variant(sku="demo_1-S-WHT", size="S", colour="White", available=False, price=Decimal("40.00")),
        Variant(sku="demo_1-M-WHT", size="M", colour="White", available=True, price=Decimal("40.00")),
        Variant(sku="demo_1-M-BLK", size="M", colour="Black", available=True, price=Decimal("42.00")),
    ]
    [combinations] = [hit.query for hit in fake.calls("GET", "combinations")]
    assert (combinations["filter[id_product]"], combinations["price[rma_price][use_tax]"]) == ("[1]", "1")


def test_a_product_without_combinations_is_its_own_variant(connection, fake):
    assert connector_for(connection).variants(product_ref="2", variant_ref="", sku="demo_11") == [
        Variant(sku="demo_11", size="", colour="", available=True, price=Decimal("20.00"))
    ]


def test_exchanges_ask_the_shop_that_sold_the_sku(connection, fake):
    order_add(fake, 5)
    order_data_apply(connection=connection, data=order_read(connection, "5"))
    fake.data["stock_availables"][3]["quantity"] = "0"  # the last M in white just sold
    variants = ConnectionShopClient().variants_available(product_ref="", sku="demo_1-M-WHT")
    assert {(v.sku, v.available) for v in variants} == {
        ("demo_1-S-WHT", False),
        ("demo_1-M-WHT", False),
        ("demo_1-M-BLK", True),
    }
