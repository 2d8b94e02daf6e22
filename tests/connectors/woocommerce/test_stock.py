"""Exchanges read a WooCommerce product's variations: size and colour from their attributes, stock as it is."""

from decimal import Decimal

import pytest

from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import PlatformError
from rma.integrations.shop import Variant, shop_client_get
from tests.connectors.woocommerce.conftest import deliver, order_payload

pytestmark = pytest.mark.django_db


def test_variations_give_size_colour_price_and_availability_from_real_stock(connection, woo):
    variants = connector_for(connection).variants(product_ref="93", variant_ref="94", sku="CHE-LIN-BLEU-M")
    assert variants == [
        Variant(sku="CHE-LIN-BLEU-M", size="M", colour="Bleu", available=True, price=Decimal("60.00")),
        Variant(sku="CHE-LIN-BLEU-L", size="L", colour="Bleu", available=False, price=Decimal("60.00")),
        # On backorder is not in stock; without stock management, "instock" is taken at its word.
        Variant(sku="CHE-LIN-BLANC-M", size="M", colour="Blanc", available=False, price=Decimal("60.00")),
        Variant(sku="CHE-LIN-BLANC-L", size="L", colour="Blanc", available=True, price=Decimal("60.00")),
    ]
    assert [hit.query for hit in woo.calls("GET", "products/93/variations")] == [{"per_page": "100", "page": "1"}]


def test_a_simple_product_is_its_own_only_variant(connection, woo):
    variants = connector_for(connection).variants(product_ref="22", variant_ref="", sku="CEI-CUIR")
    assert variants == [Variant(sku="CEI-CUIR", size="", colour="", available=True, price=Decimal("30.00"))]


def test_an_unknown_product_is_an_error_of_the_shop(connection, woo):
    with pytest.raises(PlatformError) as excinfo:
        connector_for(connection).variants(product_ref="4040", variant_ref="", sku="X")
    assert excinfo.value.status == 404


@pytest.mark.django_db(transaction=True)
def test_the_portal_asks_the_shop_that_sold_the_sku(connection, woo, settings):
    settings.RMA_SHOP_API_URL = ""
    deliver(connection, order_payload())
    woo.variations[93][0]["stock_quantity"] = 0  # the last blue M was just sold
    variants = shop_client_get().variants_available(product_ref="", sku="CHE-LIN-BLEU-M")
    assert {(v.sku, v.available) for v in variants} == {
        ("CHE-LIN-BLEU-M", False),
        ("CHE-LIN-BLEU-L", False),
        ("CHE-LIN-BLANC-M", False),
        ("CHE-LIN-BLANC-L", True),
    }
