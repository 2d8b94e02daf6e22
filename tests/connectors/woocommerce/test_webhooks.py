"""WooCommerce webhooks: verified as WC_Webhook signs them, stored once, mapped to our orders by topic."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client

from rma.connectors.inbox import deliveries_reprocess
from rma.connectors.models import InboxDelivery, ShopOrder
from rma.connectors.tasks import inbox_delivery_task
from rma.orders.models import Order
from tests.connectors.woocommerce.conftest import deliver, order_payload, signed

pytestmark = pytest.mark.django_db(transaction=True)


def _post(connection, body: bytes, headers: dict[str, str]):
    return Client().post(
        f"/webhooks/shops/{connection.public_id}/", data=body, content_type="application/json", headers=headers
    )


def _statuses() -> list[tuple[str, str]]:
    return list(InboxDelivery.objects.order_by("id").values_list("topic", "status"))


def test_a_signed_order_is_stored_then_mapped_into_our_order_with_its_lines(connection, woo):
    response = deliver(connection, order_payload())
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "stored"
    assert _statuses() == [("order.created", "processed")]

    order = Order.objects.get(external_id="woo-eu:727")
    assert (order.number, order.currency, order.customer_email) == ("WC-727", "EUR", "camille.durand@example.com")
    assert order.customer_name == "Camille Durand"
    assert order.placed_at == datetime(2026, 11, 2, 9, 28, 2, tzinfo=UTC)
    # Shipped to the shipping address, not the billing one.
    assert (order.address_line1, order.address_line2, order.postcode, order.city, order.country) == (
        "8 avenue Jean Jaurès",
        "Bâtiment B",
        "69007",
        "Lyon",
        "FR",
    )
    assert order.delivered_at is None
    shirt, belt = order.lines.order_by("external_id")
    # Paid per unit after the coupon, tax included: (90.00 + 18.00) / 2.
    assert (shirt.sku, shirt.quantity, shirt.unit_price, shirt.unit_tax) == (
        "CHE-LIN-BLEU-M",
        2,
        Decimal("54.00"),
        Decimal("9.00"),
    )
    assert (shirt.product_ref, shirt.variant_ref, shirt.size, shirt.colour, shirt.category) == (
        "93",
        "94",
        "M",
        "Bleu",
        "apparel",
    )
    assert (belt.sku, belt.unit_price, belt.variant_ref, belt.category) == (
        "CEI-CUIR",
        Decimal("36.00"),
        "",
        "apparel",
    )
    link = ShopOrder.objects.get(order=order)
    assert link.extra["lines"]["315"] == {"quantity": 2, "total": "90.00", "total_tax": "18.00", "taxes": {"1": "18"}}


def test_a_bad_or_missing_signature_is_refused_and_nothing_is_stored(connection, woo):
    body = json.dumps(order_payload()).encode()
    forged = signed(body, secret="not-the-secret")
    assert _post(connection, body, forged).status_code == 401
    unsigned = {k: v for k, v in signed(body).items() if k != "X-WC-Webhook-Signature"}
    assert _post(connection, body, unsigned).status_code == 401
    tampered = signed(body)
    assert _post(connection, body.replace(b"camille", b"mallory"), tampered).status_code == 401
    assert InboxDelivery.objects.count() == 0
    assert not Order.objects.exists()


def test_the_ping_sent_when_the_webhook_is_saved_is_answered_200_and_stores_nothing(connection, woo):
    # WC_Webhook::deliver_ping(): an unsigned form body; WooCommerce keeps the webhook pending unless it gets 200.
    response = Client().post(
        f"/webhooks/shops/{connection.public_id}/",
        data=b"webhook_id=3",
        content_type="application/x-www-form-urlencoded",
        headers={"User-Agent": "WooCommerce/9.4.0 Hookshot (WordPress/6.7)"},
    )
    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    assert InboxDelivery.objects.count() == 0


def test_the_same_delivery_twice_is_stored_once_but_two_deliveries_in_the_same_second_are_both_kept(connection, woo):
    first = deliver(connection, order_payload(), delivery_id="same-second")
    again = deliver(connection, order_payload(), delivery_id="same-second")
    assert (first.json()["status"], again.json()["status"]) == ("stored", "duplicate")
    assert InboxDelivery.objects.count() == 1
    # WooCommerce's delivery id is wp_hash(webhook id . time()): another order updated in the same second has it too.
    other = deliver(connection, order_payload(id=728, number="728"), delivery_id="same-second")
    assert other.json()["status"] == "stored"
    assert InboxDelivery.objects.count() == 2
    assert Order.objects.filter(external_id__in=["woo-eu:727", "woo-eu:728"]).count() == 2


def test_completed_gives_the_delivery_date_and_an_older_update_changes_nothing(connection, woo):
    deliver(connection, order_payload())
    completed = order_payload(
        status="completed", date_completed_gmt="2026-11-05T14:00:00", date_modified_gmt="2026-11-05T14:00:01"
    )
    deliver(connection, completed, topic="order.updated", delivery_id="2")
    order = Order.objects.get(external_id="woo-eu:727")
    assert order.delivered_at == datetime(2026, 11, 5, 14, 0, tzinfo=UTC)
    stale = order_payload(
        date_modified_gmt="2026-11-03T00:00:00", billing={**order_payload()["billing"], "phone": "0"}
    )
    deliver(connection, stale, topic="order.updated", delivery_id="3")
    assert _statuses()[-1] == ("order.updated", "ignored")
    order.refresh_from_db()
    assert order.customer_phone == "+33 6 12 34 56 78"


def test_unpaid_orders_deleted_orders_and_other_resources_are_ignored(connection, woo):
    deliver(connection, order_payload(status="pending"), delivery_id="1")
    deliver(connection, {"id": 727}, topic="order.deleted", delivery_id="2")
    deliver(connection, {"id": 93, "name": "Chemise"}, topic="product.updated", delivery_id="3")
    assert [status for _topic, status in _statuses()] == ["ignored", "ignored", "ignored"]
    assert not Order.objects.exists()
    # Paid later: the update brings it in; restored from the bin: read again.
    deliver(connection, order_payload(), topic="order.updated", delivery_id="4")
    deliver(connection, order_payload(), topic="order.restored", delivery_id="5")
    assert _statuses()[-2:] == [("order.updated", "processed"), ("order.restored", "processed")]
    assert Order.objects.filter(external_id="woo-eu:727").exists()


def test_units_refunded_in_the_shop_are_read_from_its_refunds_and_not_returnable_again(connection, woo):
    order = woo.add_order(order_payload())
    woo.refunds[727] = [
        {
            "id": 801,
            "reason": "Colis abîmé",
            "amount": "54.00",
            "meta_data": [],
            "line_items": [
                {
                    "id": 802,
                    "product_id": 93,
                    "variation_id": 94,
                    "quantity": -1,
                    "total": "-45.00",
                    "meta_data": [{"id": 9, "key": "_refunded_item_id", "value": "315"}],
                }
            ],
        },
        {  # the belt, refunded by an older store that does not expose _refunded_item_id
            "id": 803,
            "reason": "",
            "amount": "36.00",
            "meta_data": [],
            "line_items": [{"id": 804, "product_id": 22, "variation_id": 0, "quantity": -1, "meta_data": []}],
        },
    ]
    refunded = {**order, "refunds": [{"id": 801, "reason": "Colis abîmé", "total": "-54.00"}]}
    deliver(connection, refunded, topic="order.updated")
    shirt, belt = Order.objects.get(external_id="woo-eu:727").lines.order_by("external_id")
    assert (shirt.quantity, shirt.non_returnable_reason) == (1, "")
    assert (belt.quantity, belt.non_returnable_reason) == (1, "refunded")


def test_a_malformed_order_fails_with_its_error_and_can_be_processed_again(connection, woo):
    broken = order_payload(date_created_gmt="the second of November")
    deliver(connection, broken)
    delivery = InboxDelivery.objects.get()
    assert delivery.status == "failed"
    assert "date_created_gmt is not an ISO 8601 date" in delivery.error
    # Someone fixes the stored body (or the cause) and processes it again from the admin.
    InboxDelivery.objects.filter(pk=delivery.pk).update(body=json.dumps(order_payload()))
    assert deliveries_reprocess(delivery_ids=[delivery.pk]) == [delivery.pk]
    inbox_delivery_task(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error) == ("processed", "")
    assert Order.objects.filter(external_id="woo-eu:727").exists()


def test_a_webhook_left_on_the_legacy_api_fails_with_what_to_change(connection, woo):
    deliver(connection, {"order": {"id": 727, "order_number": "727"}})
    delivery = InboxDelivery.objects.get()
    assert delivery.status == "failed"
    assert "set the webhook's API version to WP REST API v3" in delivery.error


def test_unreadable_categories_do_not_hold_the_order_back(connection, woo):
    woo.fail("GET", "products", 503)
    deliver(connection, order_payload())
    delivery = InboxDelivery.objects.get()
    assert delivery.status == "processed"
    order = Order.objects.get(external_id="woo-eu:727")
    assert set(order.lines.values_list("category", flat=True)) == {"other"}


def test_unreadable_refunds_leave_the_delivery_pending_for_the_sweeper(connection, woo):
    woo.fail("GET", r"orders/727/refunds", 503)
    deliver(connection, order_payload(refunds=[{"id": 731, "reason": "Geste commercial", "total": "-10.00"}]))
    delivery = InboxDelivery.objects.get()
    assert delivery.status == "pending"
    assert "503" in delivery.error
