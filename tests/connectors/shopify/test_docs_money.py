"""Refunds and store credit against a Shopify answering with the documented example bodies of its GraphQL
reference (payloads/docs/graphql.json): what we send, and what we make of each documented answer."""

import copy
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest

from rma.connectors.models import ShopConnection
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import CreditOrder, MoneyLine, PlatformError, RefundOrder
from rma.connectors.platforms.shopify.mapping import graphql_order, order_extra
from tests.connectors.shopify.fake import CLIENT_SECRET, TOKEN
from tests.connectors.shopify.fake_docs import ANSWERS, DocsShopify

pytestmark = pytest.mark.django_db
ORDER = "820982911946154508"
REFERENCE = "5f0c6a7e-2b1d-4c3e-9a8f-7d6e5c4b3a21"


@pytest.fixture
def docs_api() -> Iterator[DocsShopify]:
    fake = DocsShopify().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def connector(db, docs_api: DocsShopify):
    connection = ShopConnection.objects.create(
        name="docs-shop", platform="shopify", shop_url=docs_api.url, api_key=TOKEN, webhook_secret=CLIENT_SECRET,
        location_ref="655441491", options={},
    )  # fmt: skip
    return connector_for(connection)


def refund_order(amount: str = "89.99") -> RefundOrder:
    return RefundOrder(
        reference=REFERENCE, order_ref=ORDER, amount=Decimal(amount), currency="USD", reason="Return R-9999",
        rma_number="R-9999", order_extra=order_extra(ORDER, ["487817672276298554"]),
        lines=[MoneyLine(line_ref="487817672276298554", sku="SKU2006-001", quantity=1, restock_quantity=1,
                         amount=Decimal(amount))],
    )  # fmt: skip


def credit_order() -> CreditOrder:
    return CreditOrder(
        reference="0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b", code="7KQ2-M9XD-4HTP-WC3R", amount=Decimal("55.00"),
        currency="USD", customer_email="jon@example.com", customer_name="John Smith",
        expires_at=datetime.fromisoformat("2027-11-20T23:00:00+00:00"), rma_number="R-9999", order_ref=ORDER,
    )  # fmt: skip


def test_a_refund_reads_the_documented_answer_and_sends_what_refundcreate_takes(connector, docs_api):
    docs_api.answer_with("order", "order_money")
    docs_api.answer_with("refundCreate", "refundCreate")
    record = connector.refund_create(refund=refund_order())
    assert (record.kind, record.ref, record.created) == ("refund", "gid://shopify/Refund/929361465", True)
    assert docs_api.roots() == ["order", "refundCreate"]
    sent = docs_api.variables("refundCreate")
    assert sent["idempotencyKey"] == REFERENCE
    assert sent["input"] == {
        "orderId": f"gid://shopify/Order/{ORDER}",
        "note": f"Return R-9999 (RMA refund {REFERENCE})",
        "notify": False,
        "refundLineItems": [
            {"lineItemId": "gid://shopify/LineItem/487817672276298554", "quantity": 1, "restockType": "RETURN",
             "locationId": "gid://shopify/Location/655441491"},
        ],
        "transactions": [
            {"orderId": f"gid://shopify/Order/{ORDER}", "parentId": "gid://shopify/OrderTransaction/389404469",
             "gateway": "bogus", "kind": "REFUND", "amount": "89.99"},
        ],
    }  # fmt: skip


def test_an_order_answer_without_its_currencies_does_not_stop_the_refund(connector, docs_api):
    docs_api.answer_with("order", "order_money_short")
    docs_api.answer_with("refundCreate", "refundCreate")
    assert connector.refund_create(refund=refund_order()).created is True


def test_user_errors_without_a_field_refuse_the_refund_for_good(connector, docs_api):
    docs_api.answer_with("order", "order_money")
    docs_api.answer_with("refundCreate", "refundCreate_refused")
    with pytest.raises(PlatformError) as refused:
        connector.refund_create(refund=refund_order())
    assert refused.value.permanent
    assert "greater than net payment received" in refused.value.message


def test_a_refund_made_whose_answer_also_carries_errors_is_taken_as_made(connector, docs_api):
    docs_api.answer_with("order", "order_money")
    docs_api.answer_with("refundCreate", "refundCreate_with_errors")
    record = connector.refund_create(refund=refund_order())
    assert (record.ref, record.created) == ("gid://shopify/Refund/929361466", True)


def test_a_throttled_refund_is_handed_back_with_the_wait_the_cost_block_gives(connector, docs_api):
    docs_api.answer_with("order", "throttled")
    with pytest.raises(PlatformError) as throttled:
        connector.refund_create(refund=refund_order())
    assert not throttled.value.permanent
    assert throttled.value.retry_after == pytest.approx(2.0)  # (202 - 2) points at 100 a second
    assert docs_api.roots() == ["order"]  # nothing was created


def test_store_credit_becomes_the_documented_gift_card(connector, docs_api):
    docs_api.answer_with("giftCards", "giftCards_none")
    docs_api.answer_with("order", "order_customer")
    docs_api.answer_with("giftCardCreate", "giftCardCreate")
    record = connector.credit_create(credit=credit_order())
    assert (record.kind, record.ref, record.created) == ("gift_card", "gid://shopify/GiftCard/1063936319", True)
    assert docs_api.roots() == ["giftCards", "order", "giftCardCreate"]
    sent = docs_api.variables("giftCardCreate")["input"]
    assert sent == {
        "initialValue": "55.00",
        "code": "7KQ2M9XD4HTPWC3R",
        "note": "Store credit for return R-9999 (RMA credit 0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b)",
        "expiresOn": sent["expiresOn"],
        "customerId": "gid://shopify/Customer/115310627314723954",
    }
    assert sent["expiresOn"] in ("2027-11-20", "2027-11-21")  # the day, in the portal's time zone


def test_a_gift_card_code_refused_is_a_permanent_error_with_shopifys_message(connector, docs_api):
    docs_api.answer_with("giftCards", "giftCards_none")
    docs_api.answer_with("order", "order_customer")
    docs_api.answer_with("giftCardCreate", "giftCardCreate_refused")
    with pytest.raises(PlatformError) as refused:
        connector.credit_create(credit=credit_order())
    assert refused.value.permanent
    assert "input.code: Code is too short" in refused.value.message


def test_store_credit_without_gift_cards_is_the_documented_discount_code(connector, docs_api):
    connector.connection.options = {"gift_cards": False}
    docs_api.answer_with("codeDiscountNodeByCode", "codeDiscountNodeByCode_none")
    docs_api.answer_with("discountCodeBasicCreate", "discountCodeBasicCreate")
    record = connector.credit_create(credit=credit_order())
    assert (record.kind, record.ref, record.created) == (
        "discount_code",
        "gid://shopify/DiscountCodeNode/1057371277",
        True,
    )
    sent = docs_api.variables("discountCodeBasicCreate")["discount"]
    assert (sent["code"], sent["usageLimit"], sent["appliesOncePerCustomer"], sent["context"]) == (
        "7KQ2-M9XD-4HTP-WC3R", 1, True, {"all": "ALL"},
    )  # fmt: skip
    assert sent["customerGets"] == {
        "value": {"discountAmount": {"amount": "55.00", "appliesOnEachItem": False}},
        "items": {"all": True},
    }
    assert sent["endsAt"] == "2027-11-20T23:00:00+00:00"


# ---- the backfill


def test_the_backfill_reads_edges_and_reports_an_order_it_cannot_map_without_stopping(connector, docs_api):
    docs_api.answer_with("orders", "orders_edges")
    docs_api.answer_with("order", "order_node", "order_node_bad")
    page = connector.orders_fetch(since=datetime.fromisoformat("2022-01-01T00:00:00+00:00"), cursor="")
    [order] = page.orders
    assert (order.order_ref, order.number, order.customer_name, order.country) == (
        ORDER,
        "9999",
        "Steve Shipper",
        "US",
    )
    [line] = order.lines
    assert (line.line_ref, line.unit_price, line.category, line.variant_ref) == (
        "487817672276298554", Decimal("89.99"), "Shirts", "",
    )  # fmt: skip
    assert order.delivered_at == datetime.fromisoformat("2022-01-05T15:00:00+00:00")
    assert page.next_cursor == "eyJsYXN0X2lkIjo0NTA3ODk0NzAsImxhc3RfdmFsdWUiOjQ1MDc4OTQ3MH0="
    [failure] = page.failures
    assert failure.startswith("820982911946154509: MappingError: createdAt is not a date")


def test_an_order_node_without_the_discounted_price_falls_back_to_the_original_price():
    node = copy.deepcopy(ANSWERS["order_node"]["data"]["order"])
    [edge] = node["lineItems"]["edges"]
    edge["node"]["originalUnitPriceSet"] = edge["node"].pop("discountedUnitPriceAfterAllDiscountsSet")
    [line] = graphql_order(node).lines
    assert line.unit_price == Decimal("89.99")


def test_a_shop_that_refuses_the_look_ups_still_gets_one_gift_card_guarded_by_its_code(connector, docs_api):
    # Only giftCardCreate is answered: the search and the order's customer are refused (not scripted).
    docs_api.answer_with("giftCardCreate", "giftCardCreate")
    record = connector.credit_create(credit=credit_order())
    assert (record.ref, record.created) == ("gid://shopify/GiftCard/1063936319", True)
    assert "customerId" not in docs_api.variables("giftCardCreate")["input"]


def test_a_refund_whose_look_up_is_refused_is_not_made_blind(connector, docs_api):
    docs_api.answer_with("refundCreate", "refundCreate")
    with pytest.raises(PlatformError):
        connector.refund_create(refund=refund_order())
    assert docs_api.roots() == ["order"]
