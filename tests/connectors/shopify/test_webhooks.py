"""Shopify webhooks: verified before anything is stored, stored once per delivery id, mapped topic by topic."""

import json
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rma.connectors.inbox import deliveries_reprocess, delivery_process
from rma.connectors.models import InboxDelivery, ShopOrder
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import OrderData
from rma.orders.models import Order
from tests.connectors.shopify.conftest import deliveries
from tests.connectors.shopify.fake import payload, sign, webhook_headers
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def received(send_webhook, topic: str, body, **kwargs) -> InboxDelivery:
    response = send_webhook(topic, body, **kwargs)
    assert response.status_code == 200, response.content
    delivery = InboxDelivery.objects.get(delivery_id=response.json()["delivery"])
    delivery_process(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


# ---- signature and identity


def test_a_well_signed_delivery_is_stored_under_shopifys_webhook_id(send_webhook, shop):
    response = send_webhook("orders/create", payload("order.json"), webhook_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
    assert response.status_code == 200
    assert response.json() == {"status": "stored", "delivery": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"}
    [delivery] = deliveries()
    assert (delivery.topic, delivery.status) == ("orders/create", "pending")
    assert json.loads(delivery.body)["id"] == 5501001


@pytest.mark.parametrize("how", ["wrong secret", "body changed", "missing"])
def test_a_bad_or_missing_signature_is_refused_and_nothing_is_stored(send_webhook, connection, how):
    body = json.dumps(payload("order.json")).encode()
    headers = webhook_headers("orders/create", body, secret="someone-else")
    if how == "body changed":
        headers = webhook_headers("orders/create", body)
        body = body.replace(b"49.90", b"0.01")
    elif how == "missing":
        headers = webhook_headers("orders/create", body)
        del headers["HTTP_X_SHOPIFY_HMAC_SHA256"]
    response = send_webhook("orders/create", body, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert deliveries() == []


def test_the_same_delivery_sent_again_is_stored_once(send_webhook, connection):
    first = send_webhook("orders/create", payload("order.json"), webhook_id="same-delivery")
    again = send_webhook("orders/create", payload("order.json"), webhook_id="same-delivery")
    assert (first.json()["status"], again.json()["status"]) == ("stored", "duplicate")
    assert len(deliveries()) == 1


def test_a_delivery_without_topic_is_answered_and_not_stored(send_webhook, connection):
    body = b"{}"
    response = send_webhook("", body, headers={"HTTP_X_SHOPIFY_HMAC_SHA256": sign(body)})
    assert (response.status_code, response.json()) == (200, {"status": "ignored"})
    assert deliveries() == []


# ---- topics


def test_orders_create_makes_the_order_with_what_was_paid_after_discounts(send_webhook, shop, connection):
    delivery = received(send_webhook, "orders/create", payload("order.json"))
    assert (delivery.status, delivery.error) == ("processed", "")
    order = Order.objects.get(external_id="maison-lin:5501001")
    assert delivery.order == order
    assert (order.number, order.customer_email, order.customer_name, order.currency, order.locale) == (
        "1001", "chloe.martin@example.fr", "Chloé Martin", "EUR", "fr",
    )  # fmt: skip
    assert (order.address_line1, order.address_line2, order.postcode, order.city, order.country) == (
        "8 rue des Lilas", "Bâtiment B", "69003", "Lyon", "FR",
    )  # fmt: skip
    assert order.placed_at == datetime.fromisoformat("2026-11-02T10:15:00+01:00")
    lines = {line.external_id: line for line in order.lines.all()}
    shirt, scarf = lines["13001"], lines["13002"]
    # 49.90 each, 8.00 of discount over two units, taxes included (15.30 over two units).
    assert (shirt.sku, shirt.quantity, shirt.unit_price, shirt.unit_tax) == (
        "CHE-LIN-NAV-M", 2, Decimal("45.90"), Decimal("7.65"),
    )  # fmt: skip
    assert (shirt.product_ref, shirt.variant_ref, shirt.size, shirt.colour) == ("8800001", "9900011", "M", "Navy")
    assert (shirt.category, scarf.category) == ("apparel", "apparel")  # product types Shirts, Scarves, mapped
    assert (scarf.unit_price, scarf.unit_tax, scarf.colour, scarf.size) == (
        Decimal("31.80"), Decimal("5.30"), "Rouge", "",
    )  # fmt: skip
    link = ShopOrder.objects.get(order=order)
    assert link.extra["order_gid"] == "gid://shopify/Order/5501001"
    assert link.extra["line_gids"]["13001"] == "gid://shopify/LineItem/13001"


def test_taxes_not_included_are_added_to_the_unit_price(send_webhook, shop):
    body = payload("order.json")
    body["taxes_included"] = False
    received(send_webhook, "orders/create", body)
    shirt = Order.objects.get(external_id="maison-lin:5501001").lines.get(external_id="13001")
    assert (shirt.unit_price, shirt.unit_tax) == (Decimal("53.55"), Decimal("7.65"))


def test_the_webhook_and_the_api_describe_the_same_order(shop, connection):
    connector = connector_for(connection)
    from_webhook = connector.delivery_map(topic="orders/updated", payload=payload("order.json"))
    from_api = connector.order_fetch(order_ref="5501001")
    assert isinstance(from_webhook, OrderData)
    assert isinstance(from_api, OrderData)
    assert replace(from_webhook, lines=[]) == replace(from_api, lines=[])
    assert from_webhook.lines == from_api.lines


def test_an_older_update_changes_nothing(send_webhook, shop):
    newer = payload("order.json")
    newer["updated_at"] = "2026-11-03T08:00:00+01:00"
    newer["email"] = "chloe@new.example.fr"
    received(send_webhook, "orders/updated", newer)
    older = received(send_webhook, "orders/updated", payload("order.json"))
    assert older.status == "ignored"
    assert Order.objects.get(external_id="maison-lin:5501001").customer_email == "chloe@new.example.fr"


def test_a_cancelled_order_is_kept_as_an_update(send_webhook, shop):
    received(send_webhook, "orders/create", payload("order.json"))
    cancelled = payload("order.json")
    cancelled.update(cancelled_at="2026-11-02T12:00:00+01:00", updated_at="2026-11-02T12:00:01+01:00")
    delivery = received(send_webhook, "orders/cancelled", cancelled)
    assert delivery.status == "processed"
    assert Order.objects.filter(external_id="maison-lin:5501001").count() == 1


def test_a_delivered_fulfilment_dates_the_delivery(send_webhook, shop):
    received(send_webhook, "orders/create", payload("order.json"))
    event = received(send_webhook, "fulfillment_events/create", payload("fulfillment_event_delivered.json"))
    assert event.status == "processed"
    order = Order.objects.get(external_id="maison-lin:5501001")
    assert order.delivered_at == datetime.fromisoformat("2026-11-05T14:30:00+01:00")
    received(send_webhook, "fulfillments/update", payload("fulfillment_delivered.json"))
    order.refresh_from_db()
    assert order.delivered_at == datetime.fromisoformat("2026-11-05T14:32:00+01:00")


def test_a_fulfilment_not_delivered_yet_is_ignored(send_webhook, shop):
    received(send_webhook, "orders/create", payload("order.json"))
    in_transit = {**payload("fulfillment_delivered.json"), "shipment_status": "in_transit"}
    assert received(send_webhook, "fulfillments/update", in_transit).status == "ignored"
    assert received(send_webhook, "fulfillments/create", {**in_transit, "shipment_status": None}).status == "ignored"


def test_a_delivery_before_its_order_waits_for_it(send_webhook, shop):
    early = received(send_webhook, "fulfillments/update", payload("fulfillment_delivered.json"))
    assert early.status == "pending"
    assert "not known yet" in early.error
    received(send_webhook, "orders/create", payload("order.json"))
    assert delivery_process(delivery_id=early.pk) == "not_due"  # its retry comes a second later
    InboxDelivery.objects.filter(pk=early.pk).update(updated_at=timezone.now() - timedelta(seconds=2))
    assert delivery_process(delivery_id=early.pk) == "processed"


def test_a_refund_made_in_the_shop_reads_the_order_again(send_webhook, shop):
    received(send_webhook, "orders/create", payload("order.json"))
    refund = payload("refund.json")
    shop.orders["5501001"]["refunds"].append(refund)
    shop.orders["5501001"]["updated_at"] = "2026-11-10T11:00:01+01:00"
    delivery = received(send_webhook, "refunds/create", refund)
    assert (delivery.status, delivery.error) == ("processed", "")
    assert shop.root_calls("order")[-1]["variables"] == {"id": "gid://shopify/Order/5501001"}
    scarf = Order.objects.get(external_id="maison-lin:5501001").lines.get(external_id="13002")
    assert scarf.non_returnable_reason == "refunded"


def test_other_topics_are_ignored(send_webhook, connection):
    assert received(send_webhook, "app/uninstalled", {"id": 1, "name": "Maison Lin"}).status == "ignored"


# ---- what cannot be mapped


def test_a_malformed_order_fails_with_its_error_and_can_be_processed_again(send_webhook, shop):
    delivery = received(send_webhook, "orders/create", {"id": 5501009, "name": "#1009"})
    assert delivery.status == "failed"
    assert "line_items is missing" in delivery.error
    assert not Order.objects.exists()
    assert deliveries_reprocess(delivery_ids=[delivery.pk]) == [delivery.pk]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("pending", 0, "")
    assert delivery_process(delivery_id=delivery.pk) == "failed"  # the body is kept as received


def test_a_failure_fixed_in_the_connection_is_processed_on_reprocessing(send_webhook, shop, connection):
    OrderFactory(number="1001", external_id="till:1001")  # the shop's number is taken by another channel's order
    delivery = received(send_webhook, "orders/create", payload("order.json"))
    assert delivery.status == "failed"
    assert "1001" in delivery.error
    connection.order_number_prefix = "ML-"
    connection.save()
    deliveries_reprocess(delivery_ids=[delivery.pk])
    assert delivery_process(delivery_id=delivery.pk) == "processed"
    assert Order.objects.get(external_id="maison-lin:5501001").number == "ML-1001"


@pytest.mark.parametrize(
    ("topic", "body", "error"),
    [
        ("fulfillments/update", {"id": 1, "shipment_status": "delivered", "updated_at": "2026-11-05T14:32:00Z"},
         "names no order_id"),
        ("fulfillment_events/create", {"id": 1, "order_id": 5501001, "status": "delivered"}, "happened_at is missing"),
        ("refunds/create", {"order_id": 5501001, "refund_line_items": []}, "the refund has no id"),
        ("orders/updated", {**payload("order.json"), "created_at": "yesterday"}, "created_at is not a date"),
        ("orders/updated", b"{not json", "JSONDecodeError"),
    ],
)  # fmt: skip
def test_payloads_shopify_would_not_send_fail_with_what_is_wrong(send_webhook, shop, topic, body, error):
    delivery = received(send_webhook, topic, body)
    assert delivery.status == "failed"
    assert error in delivery.error
