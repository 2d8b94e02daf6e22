"""The demo shop client: the demo catalogue first, then order lines."""

from decimal import Decimal

import pytest

from rma.demo.shop import DemoShopClient
from rma.integrations.shop import ShopClient, Variant, shop_client_get
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


def test_the_test_settings_select_the_demo_shop(settings):
    settings.RMA_SHOP_API_URL = ""
    client = shop_client_get()
    assert type(client) is DemoShopClient
    assert isinstance(client, ShopClient)


def test_catalogue_variants_then_order_lines():
    OrderLineFactory(sku="CHM-LIN-ROU-M", product_ref="CHM-LIN", size="M", colour="rouge")
    skus = {v.sku for v in DemoShopClient().variants_available(product_ref="CHM-LIN", sku="CHM-LIN-BLA-M")}
    assert {"CHM-LIN-BLA-M", "CHM-LIN-BLA-S", "CHM-LIN-CIE-M", "CHM-LIN-ROU-M"} <= skus


def test_variant_for_sku_from_the_catalogue_first():
    OrderLineFactory(sku="CHM-LIN-BLA-M", product_ref="CHM-LIN", size="mislabelled", colour="?")
    OrderLineFactory(sku="OWN-1", product_ref="OWN", size="L", colour="vert")
    client = DemoShopClient()
    assert client.variant_for_sku(sku="CHM-LIN-BLA-M") == Variant(
        "CHM-LIN-BLA-M", "M", "blanc", True, Decimal("59.90")
    )
    assert client.variant_for_sku(sku="OWN-1") == Variant("OWN-1", "L", "vert", True)
    assert client.variant_for_sku(sku="NOPE") is None
