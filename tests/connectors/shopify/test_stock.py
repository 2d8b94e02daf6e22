"""Variants and stock for exchanges, read from Shopify's product variants."""

from decimal import Decimal

import pytest
from django.db import connection as django_connection
from django.test.utils import CaptureQueriesContext

from rma.connectors.models import ShopOrder
from rma.connectors.orders_in import shop_skus_record
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import PlatformError
from rma.integrations.shop import Variant, shop_client_get, variants_sorted
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


def test_a_page_of_lines_reads_their_shops_at_once_and_asks_shopify_once_a_product(shop, connection, settings):
    """The resolution step reads ahead every chosen line (rma.portal.resolution.chosen_exchange_options): which shop
    sold each SKU in one query, what our orders know of the SKUs no shop sold in one more, and Shopify once for two
    sizes of the same product."""
    settings.RMA_SHOP_API_URL = ""
    navy = OrderLineFactory(sku="CHE-LIN-NAV-M", product_ref="8800001", variant_ref="9900011")
    white = OrderLineFactory(sku="CHE-LIN-BLA-M", product_ref="8800001", variant_ref="9900013")
    local = OrderLineFactory(sku="PLD-LAI-GRI", product_ref="PLD-LAI", size="", colour="gris")
    shop_skus_record(
        connection=connection,
        sold_at=navy.order.placed_at,
        lines=[
            {"sku": line.sku, "product_ref": line.product_ref, "variant_ref": line.variant_ref}
            for line in (navy, white)
        ],
    )
    client = shop_client_get()
    lines = [(line.product_ref, line.sku) for line in (navy, white, local)]
    with CaptureQueriesContext(django_connection) as queries:
        client.variants_read_ahead(lines=lines)
        answers = [client.variants_available(product_ref=ref, sku=sku) for ref, sku in lines]
    assert len(queries) == 2
    assert answers[0] == answers[1] == variants_sorted(SHIRTS)
    assert [variant.sku for variant in answers[2]] == ["PLD-LAI-GRI"]
    assert len(shop.root_calls("product")) == 1
