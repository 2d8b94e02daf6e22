"""Shopify's own webhook examples (payloads/docs, from shopify.dev/docs/api/webhooks) through the real path:
signed POST to the endpoint, the inbox, the mapping, our Order and its lines."""

import copy
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from rma.connectors.inbox import delivery_process
from rma.connectors.models import InboxDelivery
from rma.orders.models import Order
from tests.connectors.shopify.fake import payload, webhook_headers

pytestmark = pytest.mark.django_db
EXTERNAL_ID = "maison-lin:820982911946154508"
PLACED = datetime.fromisoformat("2021-12-31T19:00:00-05:00")


def docs(name: str) -> dict[str, Any]:
    return payload(f"docs/{name}")


def delivered(send_webhook, topic: str, body: Any) -> InboxDelivery:
    response = send_webhook(topic, body)
    assert response.status_code == 200, response.content
    delivery = InboxDelivery.objects.get(delivery_id=response.json()["delivery"])
    delivery_process(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


@pytest.fixture
def docs_shop(fake_shopify):
    """The fake shop holding the documented order #9999 (not cancelled, so that its lines can be returned)."""
    order = docs("order.json")
    order["cancelled_at"] = None
    fake_shopify.add_order(order)
    fake_shopify.products["788032119674292922"]["productType"] = "Shirts"
    return fake_shopify


@pytest.mark.parametrize(
    "topic", ["orders/create", "orders/updated", "orders/fulfilled", "orders/partially_fulfilled", "orders/cancelled"]
)
def test_the_documented_order_comes_in_under_each_order_topic(send_webhook, docs_shop, topic):
    delivery = delivered(send_webhook, topic, docs("order.json"))
    assert (delivery.status, delivery.error) == ("processed", "")
    order = Order.objects.get(external_id=EXTERNAL_ID)
    assert (order.number, order.customer_email, order.customer_name, order.currency, order.locale) == (
        "9999", "jon@example.com", "Steve Shipper", "USD", "en",
    )  # fmt: skip
    assert (order.address_line1, order.postcode, order.city, order.country) == (
        "123 Shipping Street", "40003", "Shippington", "US",
    )  # fmt: skip
    assert order.placed_at == PLACED
    lines = {line.external_id: line for line in order.lines.all()}
    assert len(lines) == 5
    sunglasses, plan = lines["487817672276298554"], lines["789012345678901234"]
    assert (sunglasses.sku, sunglasses.unit_price, sunglasses.unit_tax, sunglasses.quantity) == (
        "SKU2006-001", Decimal("89.99"), Decimal("0.00"), 1,
    )  # fmt: skip
    assert (sunglasses.product_ref, sunglasses.variant_ref, sunglasses.category) == (
        "788032119674292922", "", "apparel",  # product type Shirts, mapped by the connection
    )  # fmt: skip
    assert (plan.sku, plan.product_ref, plan.category, plan.unit_price) == (
        "LENS-PROTECT-2YR", "", "other", Decimal("19.99"),  # a custom line: no product, no product type
    )  # fmt: skip
    # The sample order is cancelled: its lines are kept, not returnable.
    assert {line.non_returnable_reason for line in lines.values()} == {"cancelled"}


def test_the_2022_example_without_processing_date_maps_its_line_discount(send_webhook, fake_shopify):
    delivery = delivered(send_webhook, "orders/create", docs("order_2022.json"))
    assert (delivery.status, delivery.error) == ("processed", "")
    order = Order.objects.get(external_id=EXTERNAL_ID)
    assert order.customer_email == "jon@doe.ca"
    assert order.placed_at == datetime.fromisoformat("2022-04-06T08:09:03-04:00")
    prices = dict(order.lines.values_list("external_id", "unit_price"))
    assert prices == {"866550311766439020": Decimal("199.00"), "141249953214522974": Decimal("194.00")}
    assert set(order.lines.values_list("variant_ref", flat=True)) == {"808950810"}


@pytest.mark.parametrize("status", [500, 404])
def test_an_order_comes_in_even_when_its_product_types_cannot_be_read(send_webhook, docs_shop, status):
    docs_shop.fail("nodes", status=status, times=10)
    delivery = delivered(send_webhook, "orders/create", docs("order.json"))
    assert (delivery.status, delivery.error) == ("processed", "")
    order = Order.objects.get(external_id=EXTERNAL_ID)
    assert set(order.lines.values_list("category", flat=True)) == {"other"}
    assert docs_shop.root_calls("nodes")


def test_the_documented_fulfillment_is_not_a_delivery_until_shopify_says_delivered(send_webhook, docs_shop):
    delivered(send_webhook, "orders/create", docs("order.json"))
    pending = docs("fulfillment.json")
    assert delivered(send_webhook, "fulfillments/create", pending).status == "ignored"
    assert delivered(send_webhook, "fulfillments/update", pending).status == "ignored"
    assert Order.objects.get(external_id=EXTERNAL_ID).delivered_at is None
    done = {**pending, "status": "success", "shipment_status": "delivered", "updated_at": "2022-01-03T10:20:00-05:00"}
    assert delivered(send_webhook, "fulfillments/update", done).status == "processed"
    assert Order.objects.get(external_id=EXTERNAL_ID).delivered_at == datetime.fromisoformat(
        "2022-01-03T10:20:00-05:00"
    )


def test_an_order_update_whose_fulfilment_was_delivered_dates_the_delivery(send_webhook, docs_shop):
    body = docs("order.json")
    body["fulfillments"] = [
        {**docs("fulfillment.json"), "status": "success", "shipment_status": "in_transit",
         "updated_at": "2022-01-02T09:00:00-05:00"},
        {**docs("fulfillment.json"), "id": 123457, "status": "success", "shipment_status": "delivered",
         "updated_at": "2022-01-04T16:45:00Z"},
    ]  # fmt: skip
    assert delivered(send_webhook, "orders/fulfilled", body).status == "processed"
    assert Order.objects.get(external_id=EXTERNAL_ID).delivered_at == datetime.fromisoformat(
        "2022-01-04T16:45:00+00:00"
    )


def test_the_documented_refund_made_in_the_shop_marks_its_units(send_webhook, docs_shop):
    order = docs("order.json")
    order["cancelled_at"] = None
    delivered(send_webhook, "orders/create", order)
    refund = docs("refund.json")
    docs_shop.orders["820982911946154508"]["refunds"].append(refund)
    delivery = delivered(send_webhook, "refunds/create", refund)
    assert (delivery.status, delivery.error) == ("processed", "")
    lines = Order.objects.get(external_id=EXTERNAL_ID).lines
    reasons = dict(lines.values_list("external_id", "non_returnable_reason"))
    assert reasons == {
        "487817672276298554": "refunded",
        "789012345678901234": "refunded",
        "890123456789012345": "",
        "976318377106520349": "",
        "315789986012684393": "",
    }


# ---- what the examples leave out or write otherwise


def bare_order() -> dict[str, Any]:
    """The documented order with everything optional left out or null, amounts as numbers, more unknown fields."""
    body = copy.deepcopy(docs("order.json"))
    body.update(
        cancelled_at=None, shipping_address=None, billing_address=None, customer=None, customer_locale=None,
        created_at="2021-12-31T19:00:00Z", updated_at="2021-12-31T19:00:00", phone=None, name=None,
        some_future_field={"nested": [1, 2]},
    )  # fmt: skip
    for item in body["line_items"]:
        item.update(sku=None, price=float(item["price"]), product_id=None, title=None, tax_lines=None)
        item["discount_allocations"] = None
    return body


def test_an_order_with_nulls_where_the_docs_allow_them_is_mapped(send_webhook, fake_shopify):
    delivery = delivered(send_webhook, "orders/create", bare_order())
    assert (delivery.status, delivery.error) == ("processed", "")
    order = Order.objects.get(external_id=EXTERNAL_ID)
    assert (order.number, order.customer_email, order.customer_name, order.city) == ("1234", "jon@example.com", "", "")
    assert order.placed_at == datetime.fromisoformat("2021-12-31T19:00:00+00:00")
    line = order.lines.get(external_id="976318377106520349")
    assert (line.sku, line.unit_price, line.name) == ("976318377106520349", Decimal("159.99"), "Mid-century lounger")
    assert not fake_shopify.root_calls("nodes")  # no product to ask about


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"email": None, "contact_email": None, "customer": None}, "customer_email"),
        ({"line_items": []}, "has no line"),
        ({"line_items": None}, "line_items is missing"),
        ({"created_at": None, "processed_at": None, "updated_at": None}, "created_at is missing"),
    ],
)
def test_an_order_that_cannot_be_used_fails_clearly_and_the_webhook_is_still_answered(
    send_webhook, fake_shopify, change, error
):
    body = {**docs("order.json"), **change}
    response = send_webhook("orders/create", body)
    assert response.status_code == 200
    delivery = InboxDelivery.objects.get(delivery_id=response.json()["delivery"])
    delivery_process(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert error in delivery.error
    assert not Order.objects.exists()
    assert json.loads(delivery.body)["id"] == 820982911946154508  # kept as received, to process again


def test_a_placed_date_falls_back_to_the_processing_date(send_webhook, fake_shopify):
    body = {**docs("order.json"), "created_at": None, "processed_at": "2022-01-01T08:00:00+01:00"}
    assert delivered(send_webhook, "orders/create", body).status == "processed"
    assert Order.objects.get(external_id=EXTERNAL_ID).placed_at == datetime.fromisoformat("2022-01-01T08:00:00+01:00")


# ---- headers as the reference lists them


def test_a_delivery_is_known_by_its_webhook_id_else_by_its_event_id_and_topic(send_webhook, fake_shopify):
    body = json.dumps(docs("order.json")).encode()
    first = send_webhook("orders/create", body)
    assert first.json()["status"] == "stored"
    for topic in ("orders/create", "orders/updated"):  # one merchant action, two topics: one event id
        headers = webhook_headers(topic, body)
        del headers["HTTP_X_SHOPIFY_WEBHOOK_ID"]
        headers["HTTP_X_SHOPIFY_EVENT_ID"] = "59d6d79c-595f-4e7e-bc6f-72f5c3d0c66f"
        assert send_webhook(topic, body, headers=headers).json()["status"] == "stored"
        assert send_webhook(topic, body, headers=headers).json()["status"] == "duplicate"
    assert InboxDelivery.objects.count() == 3


def test_a_topic_written_as_the_graphql_enum_is_the_same_topic(send_webhook, docs_shop):
    response = send_webhook("ORDERS_CREATE", docs("order.json"))
    delivery = InboxDelivery.objects.get(delivery_id=response.json()["delivery"])
    assert delivery.topic == "orders/create"
    delivery_process(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "processed"
    assert Order.objects.filter(external_id=EXTERNAL_ID).exists()


def test_a_delivery_signed_with_the_apps_client_secret_is_taken_too(send_webhook, connection):
    connection.api_secret = "client-secret-of-the-app"
    connection.save()
    body = json.dumps(docs("order.json")).encode()
    by_app = webhook_headers("orders/create", body, secret="client-secret-of-the-app")
    assert send_webhook("orders/create", body, headers=by_app).status_code == 200
    forged = webhook_headers("orders/create", body, secret="")
    assert send_webhook("orders/create", body, headers=forged).status_code == 401
    assert InboxDelivery.objects.count() == 1


def test_the_documented_fulfillment_event_dates_the_delivery_only_once_delivered(send_webhook, docs_shop):
    delivered(send_webhook, "orders/create", docs("order.json"))
    event = docs("fulfillment_event.json")
    assert delivered(send_webhook, "fulfillment_events/create", event).status == "ignored"  # in transit
    arrived = {**event, "id": 1234568, "status": "delivered", "happened_at": "2022-01-03T11:02:00-05:00"}
    assert delivered(send_webhook, "fulfillment_events/create", arrived).status == "processed"
    assert Order.objects.get(external_id=EXTERNAL_ID).delivered_at == datetime.fromisoformat(
        "2022-01-03T11:02:00-05:00"
    )
