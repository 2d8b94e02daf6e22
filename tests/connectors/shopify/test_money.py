"""Refunds and store credit created in the fake Shopify once, whatever the retries."""

from datetime import datetime
from decimal import Decimal

import pytest

from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import CreditOrder, MoneyLine, PlatformError, RefundOrder
from rma.connectors.platforms.shopify.mapping import order_extra
from tests.connectors.shopify.conftest import LOCATION

pytestmark = pytest.mark.django_db
REFERENCE = "5f0c6a7e-2b1d-4c3e-9a8f-7d6e5c4b3a21"


def refund_order(*, amount="123.60", shirt=(2, 1), scarf=(1, 0)) -> RefundOrder:
    return RefundOrder(
        reference=REFERENCE,
        order_ref="5501001",
        amount=Decimal(amount),
        currency="EUR",
        reason="Return R-7K2M9Q",
        rma_number="R-7K2M9Q",
        order_extra=order_extra("5501001", ["13001", "13002"]),
        lines=[
            MoneyLine(line_ref="13001", sku="CHE-LIN-NAV-M", quantity=shirt[0], restock_quantity=shirt[1],
                      amount=Decimal("45.90") * shirt[0]),
            MoneyLine(line_ref="13002", sku="FOU-SOI-ROU", quantity=scarf[0], restock_quantity=scarf[1],
                      amount=Decimal("31.80") * scarf[0]),
        ],
    )  # fmt: skip


def credit_order(**changes) -> CreditOrder:
    values = {
        "reference": "0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b",
        "code": "7KQ2-M9XD-4HTP-WC3R",
        "amount": Decimal("55.00"),
        "currency": "EUR",
        "customer_email": "chloe.martin@example.fr",
        "customer_name": "Chloé Martin",
        "expires_at": datetime.fromisoformat("2027-11-20T23:00:00+00:00"),
        "rma_number": "R-7K2M9Q",
        "order_ref": "5501001",
    }
    return CreditOrder(**{**values, **changes})


# ---- refunds


def test_the_refund_restocks_only_what_the_warehouse_put_back(shop, connection):
    record = connector_for(connection).refund_create(refund=refund_order())
    assert (record.kind, record.created) == ("refund", True)
    [refund] = shop.refunds("5501001")
    assert record.ref == f"gid://shopify/Refund/{refund['id']}"
    assert REFERENCE in refund["note"]
    assert "R-7K2M9Q" in refund["note"]
    assert refund["notify"] is False
    items = refund["refund_line_items"]
    assert [(i["line_item_id"], i["quantity"], i["restock_type"], i["location_id"]) for i in items] == [
        (13001, 1, "return", int(LOCATION)),
        (13001, 1, "no_restock", None),
        (13002, 1, "no_restock", None),
    ]  # fmt: skip
    [sale] = [t for t in shop.transactions["5501001"] if t["kind"] == "SALE"]
    assert refund["transactions"] == [{"amount": "123.60", "parent_id": sale["id"]}]


def test_the_money_goes_back_through_each_payment_up_to_what_is_left_on_it(shop, connection):
    sale = shop.transactions["5501001"][0]
    sale["amount"] = Decimal("100.00")
    shop.transactions["5501001"].append(
        {"id": "gid://shopify/OrderTransaction/77", "kind": "SALE", "status": "SUCCESS", "gateway": "gift_card",
         "amount": Decimal("23.60"), "parent": None}
    )  # fmt: skip
    shop.transactions["5501001"].append(
        {"id": "gid://shopify/OrderTransaction/78", "kind": "REFUND", "status": "SUCCESS",
         "gateway": "shopify_payments", "amount": Decimal("90.00"), "parent": sale["id"]}
    )  # fmt: skip
    connector_for(connection).refund_create(refund=refund_order(amount="30.00", shirt=(1, 0), scarf=(0, 0)))
    [refund] = shop.refunds("5501001")
    assert refund["transactions"] == [
        {"amount": "10.00", "parent_id": sale["id"]},
        {"amount": "20.00", "parent_id": "gid://shopify/OrderTransaction/77"},
    ]


def test_a_second_call_finds_the_refund_by_its_note(shop, connection):
    connector = connector_for(connection)
    first = connector.refund_create(refund=refund_order())
    again = connector.refund_create(refund=refund_order())
    assert (again.ref, again.created) == (first.ref, False)
    assert len(shop.refunds()) == 1
    assert len(shop.root_calls("refundCreate")) == 1


def test_a_refund_made_but_answered_500_is_not_made_again(shop, connection):
    shop.fail("refundCreate", status=500, apply=True)
    connector = connector_for(connection)
    with pytest.raises(PlatformError) as excinfo:
        connector.refund_create(refund=refund_order())
    assert (excinfo.value.permanent, excinfo.value.status) == (False, 500)
    record = connector.refund_create(refund=refund_order())
    assert record.created is False
    assert len(shop.refunds()) == 1


def test_429_on_money_out_is_handed_back_with_its_wait(shop, connection):
    shop.fail("refundCreate", status=429, retry_after="7")
    with pytest.raises(PlatformError) as excinfo:
        connector_for(connection).refund_create(refund=refund_order())
    assert (excinfo.value.permanent, excinfo.value.retry_after) == (False, 7.0)
    assert shop.refunds() == []


def test_a_throttled_mutation_is_handed_back_to_be_retried_later(shop, connection):
    shop.fail("refundCreate", throttled=True)
    with pytest.raises(PlatformError) as excinfo:
        connector_for(connection).refund_create(refund=refund_order())
    assert (excinfo.value.permanent, excinfo.value.retry_after) == (False, 1.0)


def test_a_refund_shopify_refuses_is_a_permanent_error(shop, connection):
    with pytest.raises(PlatformError) as excinfo:
        connector_for(connection).refund_create(refund=refund_order(shirt=(3, 0)))
    assert excinfo.value.permanent
    assert "cannot refund more items than were purchased" in excinfo.value.message
    assert shop.refunds() == []


def test_more_money_than_the_order_has_left_is_refused_before_asking(shop, connection):
    with pytest.raises(PlatformError) as excinfo:
        connector_for(connection).refund_create(refund=refund_order(amount="500.00"))
    assert excinfo.value.permanent
    assert shop.root_calls("refundCreate") == []


# ---- store credit


def test_store_credit_is_a_gift_card_with_our_code(shop, connection):
    record = connector_for(connection).credit_create(credit=credit_order())
    assert (record.kind, record.created) == ("gift_card", True)
    [card] = shop.gift_cards
    assert record.ref == card["id"]
    assert (card["code"], card["initialValue"], card["expiresOn"]) == ("7KQ2M9XD4HTPWC3R", "55.00", "2027-11-21")
    assert card["customerId"] == "gid://shopify/Customer/7700001"
    assert "0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b" in card["note"]


def test_a_second_call_finds_the_gift_card_by_its_code(shop, connection):
    connector = connector_for(connection)
    first = connector.credit_create(credit=credit_order())
    again = connector.credit_create(credit=credit_order())
    assert (again.ref, again.created) == (first.ref, False)
    assert len(shop.gift_cards) == 1
    assert len(shop.root_calls("giftCardCreate")) == 1


def test_a_gift_card_the_search_does_not_show_yet_is_not_made_twice(shop, connection):
    shop.fail("giftCardCreate", status=502, apply=True)
    shop.search_lag = True  # made, but the search index does not show it yet
    connector = connector_for(connection)
    with pytest.raises(PlatformError):
        connector.credit_create(credit=credit_order())
    record = connector.credit_create(credit=credit_order())
    assert (record.kind, record.created) == ("gift_card", False)
    assert len(shop.root_calls("giftCardCreate")) == 2  # the second answered TAKEN
    assert len(shop.gift_cards) == 1


def test_without_gift_cards_the_credit_is_a_one_use_discount_code(shop, connection):
    shop.gift_cards_enabled = False
    connector = connector_for(connection)
    record = connector.credit_create(credit=credit_order())
    assert (record.kind, record.created) == ("discount_code", True)
    [discount] = shop.discounts
    assert (discount["code"], discount["usageLimit"]) == ("7KQ2-M9XD-4HTP-WC3R", 1)
    assert discount["customerGets"]["value"]["discountAmount"] == {"amount": "55.00", "appliesOnEachItem": False}
    assert discount["endsAt"] == "2027-11-20T23:00:00+00:00"
    again = connector.credit_create(credit=credit_order())
    assert (again.ref, again.created) == (record.ref, False)
    assert len(shop.discounts) == 1
    assert shop.gift_cards == []


def test_the_gift_cards_option_off_goes_straight_to_discount_codes(shop, connection):
    connection.options = {**connection.options, "gift_cards": False}
    connection.save()
    record = connector_for(connection).credit_create(credit=credit_order())
    assert record.kind == "discount_code"
    assert shop.root_calls("giftCardCreate") == []
    assert shop.root_calls("giftCards") == []


@pytest.mark.parametrize("version", ["2026-01", "2026-04"])
def test_from_2026_01_shopify_also_dedupes_the_refund_on_our_key(shop, connection, version):
    connection.api_version = version
    connection.save()
    connector = connector_for(connection)
    shop.fail("refundCreate", status=500, apply=True)
    partial = refund_order(amount="30.00", shirt=(1, 0), scarf=(0, 0))
    with pytest.raises(PlatformError):
        connector.refund_create(refund=partial)
    # Had the note not been found (a refund read before Shopify showed it), the key still makes it once.
    shop.orders["5501001"]["refunds"][0]["note"] = "edited in the admin"
    record = connector.refund_create(refund=partial)
    assert record.created is True  # Shopify answered the first refund again
    assert len(shop.refunds()) == 1
    calls = shop.root_calls("refundCreate")
    assert [(c["version"], c["variables"]["idempotencyKey"]) for c in calls] == [(version, REFERENCE)] * 2


def test_before_2026_01_no_directive_is_sent(shop, connection):
    connection.api_version = "2025-10"
    connector_for(connection).refund_create(refund=refund_order())
    [call] = shop.root_calls("refundCreate")
    assert "@idempotent" not in call["query"]
    assert call["version"] == "2025-10"


def test_an_order_paid_in_another_currency_is_left_to_the_admin(shop, connection):
    shop.orders["5501001"]["presentment_currency"] = "CHF"
    with pytest.raises(PlatformError) as excinfo:
        connector_for(connection).refund_create(refund=refund_order())
    assert excinfo.value.permanent
    assert "CHF/EUR" in excinfo.value.message
    assert shop.root_calls("refundCreate") == []
