"""The product's shop client without the demo catalogue: it knows variants from order lines only."""

import pytest

from rma.integrations.shop import CatalogueShopClient, HttpShopClient, ShopClient, Variant, shop_client_get
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


def test_variants_come_from_the_order_lines_of_the_product_only():
    OrderLineFactory(sku="TEE-BLU-M", product_ref="TEE", size="M", colour="bleu")
    OrderLineFactory(sku="TEE-BLU-S", product_ref="TEE", size="S", colour="bleu")
    OrderLineFactory(sku="TEE-RED-M", product_ref="TEE", size="M", colour="rouge")
    OrderLineFactory(sku="TEE-BLU-S", product_ref="TEE", size="S", colour="bleu")  # seen twice, listed once
    OrderLineFactory(sku="CAP-BLU", product_ref="CAP", size="TU", colour="bleu")
    client = CatalogueShopClient()
    variants = client.variants_available(product_ref="TEE", sku="TEE-BLU-M")
    assert variants == [
        Variant("TEE-BLU-S", "S", "bleu", True),
        Variant("TEE-BLU-M", "M", "bleu", True),
        Variant("TEE-RED-M", "M", "rouge", True),
    ]


def test_a_catalogue_sku_nobody_ordered_is_unknown_to_the_product_client():
    client = CatalogueShopClient()
    # CHM-LIN is in the demo catalogue; without order lines the product client knows nothing of it.
    assert client.variants_available(product_ref="CHM-LIN", sku="CHM-LIN-BLA-M") == []
    assert client.variant_for_sku(sku="CHM-LIN-BLA-M") is None


def test_without_a_product_reference_the_order_line_of_the_sku_gives_it():
    OrderLineFactory(sku="JEAN-38", product_ref="JEAN", size="38", colour="brut")
    OrderLineFactory(sku="JEAN-40", product_ref="JEAN", size="40", colour="brut")
    variants = CatalogueShopClient().variants_available(product_ref="", sku="JEAN-40")
    assert [v.sku for v in variants] == ["JEAN-38", "JEAN-40"]


def test_variant_for_sku_reads_an_order_line():
    OrderLineFactory(sku="TEE-BLU-M", product_ref="TEE", size="M", colour="bleu")
    assert CatalogueShopClient().variant_for_sku(sku="TEE-BLU-M") == Variant("TEE-BLU-M", "M", "bleu", True)
    assert CatalogueShopClient().variant_for_sku(sku="NOPE") is None
    http = HttpShopClient(base_url="https://shop.example/api")
    assert http.variant_for_sku(sku="TEE-BLU-M") == Variant("TEE-BLU-M", "M", "bleu", True)


def test_the_setting_names_the_client_class(settings):
    settings.RMA_SHOP_API_URL = ""
    settings.RMA_SHOP_CLIENT = "rma.integrations.shop.client.CatalogueShopClient"
    client = shop_client_get()
    assert type(client) is CatalogueShopClient
    assert isinstance(client, ShopClient)
    settings.RMA_SHOP_API_URL = "https://shop.example/api"
    assert isinstance(shop_client_get(), HttpShopClient)


def test_the_base_settings_choose_the_product_client():
    from returns_portal.settings import base

    assert base.RMA_SHOP_CLIENT == "rma.integrations.shop.client.CatalogueShopClient"
    assert "rma.demo" not in base.INSTALLED_APPS
