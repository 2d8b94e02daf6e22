"""WooCommerce's own documented examples, driven through the real path: webhook endpoint, inbox, our orders.

The bodies in ``payloads/docs/`` are the "JSON response example" blocks of woocommerce/woocommerce-rest-api-docs
``source/includes/wp-api-v3/`` (``_orders.md``: Retrieve an order, List all orders, Update an Order;
``_order-refunds.md``; ``_coupons.md``; ``_product-variations.md``; ``_products.md``), unchanged. Webhooks deliver
"exactly the same as if requested via the REST API" (``_webhooks.md``, Delivery/payload), sent as
``WC_Webhook::deliver()`` does: ``wp_json_encode`` (slashes and non-ASCII escaped) and its headers.
"""

import base64
import copy
import hashlib
import hmac
import json
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from rma.connectors.models import InboxDelivery, ShopOrder
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import CreditOrder, MoneyLine, PlatformError, RefundOrder
from rma.integrations.shop import Variant
from rma.orders.models import Order
from tests.connectors.woocommerce.conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db(transaction=True)
DOCS = Path(__file__).parent / "payloads" / "docs"


def doc(name: str) -> Any:
    return json.loads((DOCS / name).read_text())


def wp_json_encode(data: Any) -> bytes:
    """What WordPress's wp_json_encode() gives: JSON with "\\/" and "\\u00e3" escapes."""
    return json.dumps(data).replace("/", "\\/").encode()


def wc_headers(
    body: bytes, *, topic: str, delivery_id: str = "5c3f1ab2e9d0", drop: tuple[str, ...] = ()
) -> dict[str, str]:
    """The headers of WC_Webhook::deliver() (woocommerce ``includes/class-wc-webhook.php``); `drop` some."""
    resource, _sep, event = topic.partition(".")
    headers = {
        "User-Agent": "WooCommerce/9.4.0 Hookshot (WordPress/6.7.1)",
        "X-WC-Webhook-Source": "http://example.com/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": base64.b64encode(
            hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).digest()
        ).decode(),
        "X-WC-Webhook-ID": "12",
        "X-WC-Webhook-Delivery-ID": delivery_id,
    }
    return {name: value for name, value in headers.items() if name not in drop}


def post(connection, body: bytes, headers: dict[str, str]):
    return Client().post(
        f"/webhooks/shops/{connection.public_id}/", data=body, content_type="application/json", headers=headers
    )


def deliver(connection, order: Any, *, topic: str = "order.created", **kwargs: Any):
    body = wp_json_encode(order)
    return post(connection, body, wc_headers(body, topic=topic, **kwargs))


@pytest.fixture
def docs_woo(woo):
    """The fake shop holding the documentation's catalogue instead of ours."""
    woo.products.clear()
    woo.variations.clear()
    for product in doc("products-list.json"):
        woo.products[product["id"]] = product
    woo.products[22] = {**doc("product-retrieve.json"), "id": 22, "type": "variable"}
    woo.variations[22] = doc("product-variations-list.json")
    return woo


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
    # A shop that fails for a while is different: the delivery waits and is tried again.
    woo.faults.clear()
    woo.fail("GET", "products", 503)
    deliver(connection, doc("order-retrieve.json"), topic="order.updated", delivery_id="other")
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


REFERENCE = "0b6c3a4e-1f2d-4e5a-8b7c-9d0e1f2a3b4c"


def test_a_refund_answered_with_the_documented_body_is_recorded_once(connection, docs_woo):
    order = docs_woo.add_order(doc("order-retrieve.json"))
    docs_woo.canned[("POST", r"orders/727/refunds")] = (201, doc("order-refund-create.json"))
    connector = connector_for(connection)
    refund = RefundOrder(
        reference=REFERENCE,
        order_ref="727",
        amount=Decimal("12.90"),
        currency="USD",
        lines=[MoneyLine(line_ref="316", sku="Bar3", quantity=1, restock_quantity=1, amount=Decimal("12.90"))],
        reason="Return R-2001",
        rma_number="R-2001",
        order_extra={"lines": {"316": {"quantity": 1, "total": "12.00", "total_tax": "0.90", "taxes": {"75": "0.9"}}}},
    )
    record = connector.refund_create(refund=refund)
    assert (record.kind, record.ref, record.created) == ("refund", "726", True)
    (sent,) = docs_woo.calls("POST", r"orders/727/refunds")
    assert sent.body["line_items"] == [
        {"id": "316", "quantity": 1, "refund_total": "12.00", "refund_tax": [{"id": "75", "refund_total": "0.90"}]}
    ]
    assert order["id"] == 727
    # Retried (the worker lost the answer): the shop's list shows ours, nothing is created again.
    assert connector.refund_create(refund=refund).created is False
    assert len(docs_woo.calls("POST", r"orders/727/refunds")) == 1


def test_a_coupon_answered_with_the_documented_body_and_found_by_code_among_the_documented_list(connection, docs_woo):
    docs_woo.coupons.extend(doc("coupons-list.json"))  # "free shipping", "10off": not ours
    docs_woo.canned[("POST", "coupons")] = (201, doc("coupon-create.json"))
    credit = CreditOrder(
        reference="7e1d2c3b-4a5f-4e6d-8c7b-1a2b3c4d5e6f",
        code="AVOIR-2001",
        amount=Decimal("12.90"),
        currency="USD",
        customer_email="john.doe@example.com",
        customer_name="John Doe",
        expires_at=None,
        rma_number="R-2001",
    )
    record = connector_for(connection).credit_create(credit=credit)
    assert (record.kind, record.ref, record.created) == ("coupon", "719", True)
    again = connector_for(connection).credit_create(credit=credit)
    assert again.created is False
    assert len(docs_woo.calls("POST", "coupons")) == 1


def test_the_documented_variations_give_the_exchange_choices(connection, docs_woo):
    variants = connector_for(connection).variants(product_ref="22", variant_ref="23", sku="Bar3")
    # No SKU in the example: the variation id stands for it; "Color" is a colour; no stock managed: in stock.
    assert variants == [
        Variant(sku="733", size="", colour="Green", available=True, price=Decimal("9.00")),
        Variant(sku="732", size="", colour="Black", available=True, price=Decimal("9.00")),
    ]
    # The documented variable product 799 has no variations here: itself, without a price ("" in the example).
    (itself,) = connector_for(connection).variants(product_ref="799", variant_ref="", sku="")
    assert (itself.sku, itself.price, itself.available) == ("799", None, False)


def test_a_line_returned_in_full_gives_back_what_it_was_paid_not_our_rounded_unit_price(connection, docs_woo):
    # The documented "Woo Single #1": 2 units paid 6.00 + 0.45 tax; to us 3.23 each (6.46). Sold alone, without
    # shipping, the order's total is 6.45: WooCommerce refuses any refund above it.
    alone = {**doc("order-retrieve.json"), "shipping_lines": [], "total": "6.45", "total_tax": "0.45"}
    alone["line_items"] = alone["line_items"][:1]
    docs_woo.add_order(alone)
    extra = {"lines": {"315": {"quantity": 2, "total": "6.00", "total_tax": "0.45", "taxes": {"75": "0.45"}}}}
    refund = RefundOrder(
        reference=REFERENCE,
        order_ref="727",
        amount=Decimal("6.46"),
        currency="USD",
        lines=[MoneyLine(line_ref="315", sku="315", quantity=2, restock_quantity=0, amount=Decimal("6.46"))],
        reason="Return R-2002",
        rma_number="R-2002",
        order_extra=extra,
    )
    assert connector_for(connection).refund_create(refund=refund).created is True
    (sent,) = docs_woo.calls("POST", r"orders/727/refunds")
    assert sent.body["amount"] == "6.45"
    assert sent.body["line_items"] == [
        {"id": "315", "quantity": 2, "refund_total": "6.00", "refund_tax": [{"id": "75", "refund_total": "0.45"}]}
    ]


@pytest.mark.parametrize(("method", "api_refund"), [("bacs", False), ("cod", False), ("stripe", True)])
def test_an_order_paid_by_bank_transfer_is_refunded_without_asking_its_gateway(
    connection, docs_woo, method, api_refund
):
    # The documented order is paid by "bacs" (Direct Bank Transfer): WooCommerce's offline gateways cannot refund
    # through their API; asked to, WooCommerce refuses the refund.
    order = {**doc("order-retrieve.json"), "payment_method": method}
    docs_woo.add_order(order)
    deliver(connection, order)
    extra = ShopOrder.objects.get(order__external_id="woo-eu:727").extra
    assert extra["payment_method"] == method
    refund = RefundOrder(
        reference=REFERENCE,
        order_ref="727",
        amount=Decimal("12.90"),
        currency="USD",
        lines=[MoneyLine(line_ref="316", sku="Bar3", quantity=1, restock_quantity=1, amount=Decimal("12.90"))],
        reason="Return R-2003",
        rma_number="R-2003",
        order_extra=extra,
    )
    connector_for(connection).refund_create(refund=refund)
    (sent,) = docs_woo.calls("POST", r"orders/727/refunds")
    assert (sent.body["amount"], sent.body["api_refund"], sent.body["api_restock"]) == ("12.90", api_refund, True)


def test_a_shop_without_the_look_up_routes_nor_a_body_in_its_answer_still_gets_its_refund_and_coupon(
    connection, docs_woo
):
    # Look-ups answered 404 (a route a security plugin hides), creations answered 201 with no object: the
    # creation is still made, once; a real error of the look-up (500) is not taken for "none".
    docs_woo.add_order(doc("order-retrieve.json"))
    docs_woo.fail("GET", r"orders/727/refunds", 404)
    docs_woo.fail("GET", "coupons", 404)
    docs_woo.canned[("POST", r"orders/727/refunds")] = (201, None)
    docs_woo.canned[("POST", "coupons")] = (201, None)
    connector = connector_for(connection)
    refund = RefundOrder(
        reference=REFERENCE,
        order_ref="727",
        amount=Decimal("12.90"),
        currency="USD",
        lines=[MoneyLine(line_ref="316", sku="Bar3", quantity=1, restock_quantity=1, amount=Decimal("12.90"))],
        reason="Return R-2004",
        rma_number="R-2004",
        order_extra={},
    )
    assert connector.refund_create(refund=refund).created is True
    credit = CreditOrder(
        reference="7e1d2c3b-4a5f-4e6d-8c7b-1a2b3c4d5e6f",
        code="AVOIR-2004",
        amount=Decimal("12.90"),
        currency="USD",
        customer_email="john.doe@example.com",
        customer_name="John Doe",
        expires_at=None,
        rma_number="R-2004",
    )
    assert connector.credit_create(credit=credit).created is True
    assert (len(docs_woo.refunds[727]), len(docs_woo.coupons)) == (1, 1)
    docs_woo.fail("GET", r"orders/727/refunds", 500)
    with pytest.raises(PlatformError):
        connector.refund_create(refund=refund)
    assert connector.refund_create(refund=refund).created is False
    assert len(docs_woo.calls("POST", r"orders/727/refunds")) == 1
