"""WooCommerce's own documented orders, driven through the real path: webhook endpoint, inbox, our orders.

The bodies are the "JSON response example" blocks of woocommerce/woocommerce-rest-api-docs
``source/includes/wp-api-v3/`` (``payloads/docs/SOURCE.md``), unchanged, delivered as ``WC_Webhook::deliver()``
sends them (``tests/connectors/woocommerce/docs.py``).
"""

import copy
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from rma.connectors.models import InboxDelivery
from rma.orders.models import Order
from tests.connectors.woocommerce.docs import DOCS, deliver, doc, post, wc_headers, wp_json_encode

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_documented_order_sent_by_order_created_becomes_our_order(connection, docs_woo):
    connection.options = {"category_map": {"T-shirts": "apparel"}}
    connection.save(update_fields=["options"])
    response = post(connection, (DOCS / "order-retrieve.json").read_bytes(), {})
    assert response.status_code == 401  # unsigned: refused, and said in JSON
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not InboxDelivery.objects.exists()
    response = deliver(connection, doc("order-retrieve.json"))
    assert response.status_code == 200, response.content
    assert InboxDelivery.objects.get().status == "processed", InboxDelivery.objects.get().error

    order = Order.objects.get(external_id="woo-eu:727")
    # A guest order (customer_id 0) in USD; dates "as GMT" without a suffix; not completed yet.
    assert (order.number, order.currency, order.customer_email, order.customer_name) == (
        "WC-727",
        "USD",
        "john.doe@example.com",
        "John Doe",
    )
    assert order.placed_at == datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC)
    assert order.delivered_at is None
    assert (order.address_line1, order.city, order.postcode, order.country) == (
        "969 Market",
        "San Francisco",
        "94103",
        "US",
    )
    single, shirt = order.lines.order_by("external_id")
    # No SKU ("" in the example): the line is still there, known by its line id.
    assert (single.sku, single.name, single.quantity, single.product_ref, single.variant_ref) == (
        "315",
        "Woo Single #1",
        2,
        "93",
        "",
    )
    # Paid per unit: (6.00 + 0.45) / 2, to the cent.
    assert (single.unit_price, single.unit_tax) == (Decimal("3.23"), Decimal("0.23"))
    # The name's HTML entity decoded; the attributes read from bare meta keys ("pa_color": slug, "size").
    assert (shirt.sku, shirt.name, shirt.colour, shirt.size) == (
        "Bar3",
        "Ship Your Idea – Color: Black, Size: M Test",
        "black",
        "M Test",
    )
    assert (shirt.unit_price, shirt.unit_tax, shirt.variant_ref) == (Decimal("12.90"), Decimal("0.90"), "23")
    # The documented product has the categories Clothing and T-shirts: the one the connection maps is used.
    assert shirt.category == "apparel"


def test_the_documented_update_that_completes_the_order_gives_its_delivery_date_whatever_the_order(
    connection, docs_woo
):
    # The update (completed, modified 19:30:35) arrives before the creation (processing, modified 19:28:08).
    deliver(connection, doc("order-update.json"), topic="order.updated", delivery_id="5c3f1ab2e9d1")
    deliver(connection, doc("order-retrieve.json"))
    assert [(d.topic, d.status) for d in InboxDelivery.objects.order_by("id")] == [
        ("order.updated", "processed"),
        ("order.created", "ignored"),
    ]
    order = Order.objects.get(external_id="woo-eu:727")
    assert order.delivered_at == datetime(2017, 3, 22, 19, 30, 35, tzinfo=UTC)


def test_the_documented_completed_order_with_shop_refunds_reads_them_from_the_refunds_list(connection, docs_woo):
    _first, completed = doc("orders-list.json")
    docs_woo.add_order(completed)
    docs_woo.refunds[723] = doc("order-refunds-list.json")  # 726: shipping only; 724: one "Woo Album #2"
    response = deliver(connection, completed, topic="order.updated")
    assert response.json()["status"] == "stored"
    assert InboxDelivery.objects.get().status == "processed", InboxDelivery.objects.get().error
    order = Order.objects.get(external_id="woo-eu:723")
    assert order.customer_name == "João Silva"  # sent as "Jo\u00e3o"
    assert order.delivered_at == datetime(2017, 3, 21, 19, 54, 51, tzinfo=UTC)
    album, ninja = order.lines.order_by("external_id")
    assert (album.name, album.non_returnable_reason) == ("Woo Album #2", "refunded")
    assert (ninja.name, ninja.non_returnable_reason) == ("Woo Ninja", "")


def test_a_shop_that_does_not_know_the_order_nor_answer_for_products_still_gives_the_order(connection, woo):
    # A shop whose products route is hidden (404) and that no longer has the order (its refunds answer 404):
    # what the delivery carries is enough.
    woo.fail("GET", "products", 404, times=10)
    _first, completed = doc("orders-list.json")
    response = deliver(connection, completed, topic="order.updated")
    assert response.status_code == 200
    delivery = InboxDelivery.objects.get()
    assert delivery.status == "processed", delivery.error
    lines = Order.objects.get(external_id="woo-eu:723").lines.all()
    assert {(line.sku, line.category, line.non_returnable_reason) for line in lines} == {
        ("311", "other", ""),
        ("313", "other", ""),
    }
    # Refunds that fail for a while are different (they change what can be returned): the delivery waits.
    woo.faults.clear()
    woo.fail("GET", r"orders/727/refunds", 503)
    refunded = {**doc("order-retrieve.json"), "refunds": [{"id": 730, "reason": "", "total": "-3.23"}]}
    deliver(connection, refunded, topic="order.updated", delivery_id="other")
    assert list(InboxDelivery.objects.order_by("id").values_list("status", flat=True)) == ["processed", "pending"]


def _quirk(name: str) -> dict[str, Any]:
    order = copy.deepcopy(doc("order-retrieve.json"))
    empty_shipping = dict.fromkeys(order["shipping"], "")
    if name == "no shipping address":
        order["shipping"] = empty_shipping
    elif name == "shipping as an empty PHP array":
        order["shipping"] = []
    elif name == "dates with Z":
        order["date_created_gmt"] = "2017-03-22T19:28:02Z"
    elif name == "dates with an offset":
        order["date_created_gmt"] = "2017-03-22T21:28:02+02:00"
    elif name == "no GMT date":
        del order["date_created_gmt"], order["date_modified_gmt"]
        order["date_created"] = "2017-03-22T19:28:02"
    elif name == "numbers instead of strings":
        for line in order["line_items"]:
            line["total"], line["total_tax"] = float(line["total"]), float(line["total_tax"])
            line["quantity"] = str(line["quantity"])
        order["line_items"][0]["taxes"][0]["total"] = 0.45
    elif name == "nulls and unknown fields":
        order.update(customer_note=None, transaction_id=None, new_field={"x": [1]}, meta_data={})
        order["billing"].update(first_name="", last_name="", phone=None, company=None)
        order["shipping"].update(phone="", first_name="John", last_name="Doe")
        order["line_items"][1].update(sku=None, meta_data=None, parent_name=None, image={"id": "", "src": ""})
    return order


@pytest.mark.parametrize(
    "quirk",
    [
        "no shipping address",
        "shipping as an empty PHP array",
        "dates with Z",
        "dates with an offset",
        "no GMT date",
        "numbers instead of strings",
        "nulls and unknown fields",
    ],
)
def test_what_the_documented_fields_may_also_be_is_mapped(connection, docs_woo, quirk):
    response = deliver(connection, _quirk(quirk))
    assert response.status_code == 200
    delivery = InboxDelivery.objects.get()
    assert delivery.status == "processed", delivery.error
    order = Order.objects.get(external_id="woo-eu:727")
    assert order.placed_at == datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC)
    assert (order.address_line1, order.city) == ("969 Market", "San Francisco")  # the billing address is the same
    assert order.customer_name == "John Doe"
    assert sorted(line.unit_price for line in order.lines.all()) == [Decimal("3.23"), Decimal("12.90")]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"billing": {"email": "", "first_name": "John"}}, "has no billing email"),
        ({"line_items": []}, "has no line"),
        ({"date_created_gmt": "22/03/2017"}, "is not an ISO 8601 date"),
    ],
)
def test_an_order_that_cannot_be_used_fails_clearly_and_the_webhook_still_answers_200(
    connection, docs_woo, change, error
):
    response = deliver(connection, {**doc("order-retrieve.json"), **change})
    assert response.status_code == 200
    delivery = InboxDelivery.objects.get()
    assert (delivery.status, error in delivery.error) == ("failed", True), delivery.error
    assert not Order.objects.exists()


def test_a_signed_body_that_is_not_json_is_kept_as_failed_not_a_500(connection, docs_woo):
    body = b"<html>not json</html>"
    response = post(connection, body, wc_headers(body, topic="order.created"))
    assert response.status_code == 200
    assert InboxDelivery.objects.get().status == "failed"


def test_the_headers_as_proxies_and_other_senders_may_pass_them(connection, docs_woo):
    body = wp_json_encode(doc("order-retrieve.json"))
    # Lower-cased names (HTTP/2, proxies).
    lowered = {name.lower(): value for name, value in wc_headers(body, topic="order.created").items()}
    assert post(connection, body, lowered).json()["status"] == "stored"
    # No delivery id: kept, deduped on the body.
    no_id = wc_headers(body, topic="order.updated", drop=("X-WC-Webhook-Delivery-ID",))
    assert post(connection, body, no_id).json()["status"] == "stored"
    assert post(connection, body, no_id).json()["status"] == "duplicate"
    # No topic, but its resource and event.
    other = wp_json_encode({**doc("order-update.json")})
    no_topic = wc_headers(other, topic="order.updated", delivery_id="x2", drop=("X-WC-Webhook-Topic",))
    assert post(connection, other, no_topic).json()["status"] == "stored"
    assert [(d.topic, d.status) for d in InboxDelivery.objects.order_by("id")] == [
        ("order.created", "processed"),
        ("order.updated", "processed"),
        ("order.updated", "processed"),
    ]
    # The ping re-encoded as JSON and signed: answered, nothing kept.
    ping = b'{"webhook_id":12}'
    assert post(connection, ping, wc_headers(ping, topic="order.created")).json() == {"status": "ignored"}
    assert InboxDelivery.objects.count() == 3


def test_the_documented_list_of_orders_is_backfilled_once(connection, docs_woo):
    for order in doc("orders-list.json"):
        docs_woo.add_order(order)
    docs_woo.refunds[723] = doc("order-refunds-list.json")
    out = StringIO()
    call_command("shop_sync", "woo-eu", since="2017-03-01", stdout=out, stderr=StringIO())
    assert "created 2" in out.getvalue()
    assert set(Order.objects.values_list("external_id", flat=True)) == {"woo-eu:727", "woo-eu:723"}
    out = StringIO()
    call_command("shop_sync", "woo-eu", since="2017-03-01", stdout=out, stderr=StringIO())
    assert "unchanged 2" in out.getvalue()
    (first, *_rest) = docs_woo.calls("GET", "orders")
    assert (first.query["orderby"], first.query["order"]) == ("id", "asc")


def test_an_order_without_its_gmt_dates_takes_the_sites_dates(connection, docs_woo):
    # Sent by a sender that leaves out the *_gmt fields: the site's own dates stand in for them.
    order = {key: value for key, value in doc("order-update.json").items() if not key.endswith("_gmt")}
    order.update(date_created="2017-03-22T19:28:02", date_completed="2017-03-22T19:30:35")
    deliver(connection, order, topic="order.updated")
    assert InboxDelivery.objects.get().status == "processed"
    placed = Order.objects.values_list("placed_at", "delivered_at").get(external_id="woo-eu:727")
    assert placed == (datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC), datetime(2017, 3, 22, 19, 30, 35, tzinfo=UTC))
