"""WooCommerce's own documented refunds, coupons and variations as our fake's answers: what we create, once.

The bodies are the "JSON response example" blocks of woocommerce/woocommerce-rest-api-docs
``source/includes/wp-api-v3/`` (``payloads/docs/SOURCE.md``): ``_order-refunds.md``, ``_coupons.md``,
``_product-variations.md``, ``_products.md``.
"""

from decimal import Decimal
from typing import Any

import pytest

from rma.connectors.models import ShopOrder
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import CreditOrder, MoneyLine, PlatformError, RefundOrder
from rma.integrations.shop import Variant
from tests.connectors.woocommerce.docs import deliver, doc

pytestmark = pytest.mark.django_db(transaction=True)


REFERENCE = "0b6c3a4e-1f2d-4e5a-8b7c-9d0e1f2a3b4c"


def bar_refund(rma_number: str, *, order_extra: dict[str, Any]) -> RefundOrder:
    """Our refund of the documented order's one Bar3 (line 316), restocked, under `rma_number`."""
    return RefundOrder(
        reference=REFERENCE,
        order_ref="727",
        amount=Decimal("12.90"),
        currency="USD",
        lines=[MoneyLine(line_ref="316", sku="Bar3", quantity=1, restock_quantity=1, amount=Decimal("12.90"))],
        reason=f"Return {rma_number}",
        rma_number=rma_number,
        order_extra=order_extra,
    )


def test_a_refund_answered_with_the_documented_body_is_recorded_once(connection, docs_woo):
    order = docs_woo.add_order(doc("order-retrieve.json"))
    docs_woo.canned[("POST", r"orders/727/refunds")] = (201, doc("order-refund-create.json"))
    connector = connector_for(connection)
    refund = bar_refund(
        "R-2001",
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
    refund = bar_refund("R-2003", order_extra=extra)
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
    refund = bar_refund("R-2004", order_extra={})
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


def test_variation_attributes_are_also_known_by_their_slug_and_stock_by_any_number(connection, docs_woo):
    # Recent stores add the attribute's slug ("pa_size") next to its name, which may be in any language; a
    # stock quantity may come as a decimal text.
    first, second = doc("product-variations-list.json")
    first.update(manage_stock=True, stock_quantity="2.000")
    first["attributes"].append({"id": 7, "name": "Tamaño", "slug": "pa_size", "option": "M"})
    second.update(manage_stock=True, stock_quantity=0.0)
    docs_woo.variations[22] = [first, second]
    variants = connector_for(connection).variants(product_ref="22", variant_ref="733", sku="")
    assert [(v.sku, v.size, v.colour, v.available) for v in variants] == [
        ("733", "M", "Green", True),
        ("732", "", "Black", False),
    ]
