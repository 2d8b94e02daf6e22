"""Variants and stock for exchanges, read from Shopify's product variants."""

from decimal import Decimal

import pytest

from rma.connectors.models import ShopOrder
from rma.connectors.orders_in import shop_skus_record
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import PlatformError
from rma.integrations.shop import Variant, shop_client_get
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db
SHIRTS = [
    Variant(sku="CHE-LIN-NAV-M", size="M", colour="Navy", available=True, price=Decimal("49.90")),
    Variant(sku="CHE-LIN-NAV-L", size="L", colour="Navy", available=False, price=Decimal("49.90")),
    Variant(sku="CHE-LIN-BLA-M", size="M", colour="Blanc", available=True, price=Decimal("52.00")),
]


def test_the_variants_of_the_product_with_their_stock_and_price(shop, connection):
    variants = connector_for(connection).variants(product_ref="8800001", variant_ref="9900011", sku="CHE-LIN-NAV-M")
    assert variants == SHIRTS
    assert shop.root_calls("product")[0]["variables"] == {"id": "gid://shopify/Product/8800001"}


def test_without_the_product_its_sku_finds_it(shop, connection):
    variants = connector_for(connection).variants(product_ref="", variant_ref="", sku="FOU-SOI-ROU")
    assert variants == [Variant(sku="FOU-SOI-ROU", size="", colour="Rouge", available=True, price=Decimal("33.80"))]
    assert shop.root_calls("productVariants")[0]["variables"] == {"query": "sku:FOU-SOI-ROU"}


def test_an_unknown_product_has_no_variants(shop, connection):
    assert connector_for(connection).variants(product_ref="1", variant_ref="", sku="NOPE") == []


def test_a_shop_that_does_not_answer_is_an_error(shop, connection):
    shop.fail("product", status=503)
    with pytest.raises(PlatformError) as excinfo:
        connector_for(connection).variants(product_ref="8800001", variant_ref="", sku="CHE-LIN-NAV-M")
    assert not excinfo.value.permanent


def test_exchanges_ask_shopify_for_a_sku_its_orders_sold(shop, connection, settings):
    settings.RMA_SHOP_API_URL = ""
    line = OrderLineFactory(sku="CHE-LIN-NAV-M", product_ref="8800001", variant_ref="9900011")
    ShopOrder.objects.create(connection=connection, order=line.order, order_ref="5501001")
    shop_skus_record(
        connection=connection,
        sold_at=line.order.placed_at,
        lines=[{"sku": line.sku, "product_ref": line.product_ref, "variant_ref": line.variant_ref}],
    )
    client = shop_client_get()
    assert client.stock_known is True
    variants = client.variants_available(product_ref="8800001", sku="CHE-LIN-NAV-M")
    assert {(v.sku, v.available) for v in variants} == {(v.sku, v.available) for v in SHIRTS}
