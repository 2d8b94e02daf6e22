"""Weights from Shopify: the REST line item's ``grams`` (webhooks) and the variant's inventory item measurement
(GraphQL backfill), in grams on our order lines and product variants; a weight never entered is no weight."""

import copy

import pytest
from django.core.management import call_command

from rma.connectors.inbox import delivery_process
from rma.connectors.models import InboxDelivery
from rma.connectors.platforms.shopify.mapping import rest_order
from rma.orders.models import OrderLine, ProductVariant
from tests.connectors.shopify.fake import FakeShopify, payload

pytestmark = pytest.mark.django_db
ORDER_ID = "maison-lin:5501001"


def weights() -> dict[str, int | None]:
    return {line.sku: line.unit_weight_g for line in OrderLine.objects.filter(order__external_id=ORDER_ID)}


def test_a_webhook_order_brings_each_lines_grams(send_webhook, shop):
    response = send_webhook("orders/create", payload("order.json"))
    delivery_process(delivery_id=InboxDelivery.objects.get().pk)

    assert response.status_code == 200
    assert weights() == {"CHE-LIN-NAV-M": 300, "FOU-SOI-ROU": 120}
    assert dict(ProductVariant.objects.values_list("sku", "weight_g")) == {"CHE-LIN-NAV-M": 300, "FOU-SOI-ROU": 120}


def test_the_backfill_asks_for_the_variants_weight_and_converts_its_unit(shop: FakeShopify, connection):
    shirt, *_others = shop.products["8800001"]["variants"]
    shirt["weight"] = {"unit": "POUNDS", "value": 0.75}  # 340.19 g

    call_command("shop_sync", "maison-lin", since="2026-10-01")

    [call] = shop.root_calls("order")
    assert "variant { id inventoryItem { measurement { weight { unit value } } } }" in call["query"]
    # The scarf's 4.25 oz are 120.49 g.
    assert weights() == {"CHE-LIN-NAV-M": 340, "FOU-SOI-ROU": 120}


def test_a_weight_never_entered_or_a_variant_gone_is_no_weight(shop: FakeShopify, connection):
    order = shop.orders["5501001"]
    shop.products["8800001"]["variants"][0].pop("weight")
    order["line_items"][0]["grams"] = 0  # Shopify's weight of a variant nobody weighed
    order["line_items"][1]["variant_id"] = None  # the scarf's variant was deleted since

    call_command("shop_sync", "maison-lin", since="2026-10-01")

    assert weights() == {"CHE-LIN-NAV-M": None, "FOU-SOI-ROU": None}


def test_a_weight_already_known_is_kept_when_an_update_tells_none(send_webhook, shop):
    send_webhook("orders/create", payload("order.json"))
    updated = copy.deepcopy(payload("order.json"))
    updated["updated_at"] = "2026-11-03T09:00:00+01:00"
    for item in updated["line_items"]:
        del item["grams"]
    send_webhook("orders/updated", updated)
    for delivery in InboxDelivery.objects.order_by("id"):
        delivery_process(delivery_id=delivery.pk)

    assert weights() == {"CHE-LIN-NAV-M": 300, "FOU-SOI-ROU": 120}


def test_shopifys_own_sample_order_reads_grams_and_takes_zero_for_unknown():
    data = rest_order(payload("docs/order.json"))

    assert [line.unit_weight_g for line in data.lines] == [100, None, None, 1000, 500]
