"""Refunds and store credit created in WooCommerce once, whatever happens to the calls."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import CreditOrder, MoneyLine, PlatformError, RefundOrder
from rma.connectors.platforms.woocommerce.money import refund_parts
from tests.connectors.woocommerce.conftest import order_payload

pytestmark = pytest.mark.django_db

REFERENCE = "6f1c2b0e-8d4a-4f7e-9a53-2b1d9c0e7a11"
EXTRA = {
    "lines": {
        "315": {"quantity": 2, "total": "90.00", "total_tax": "18.00", "taxes": {"1": "18"}},
        "316": {"quantity": 1, "total": "30.00", "total_tax": "6.00", "taxes": {"1": "6"}},
    }
}
REFUNDS = r"orders/727/refunds"


@pytest.fixture
def order(woo):
    return woo.add_order(order_payload())


def refund_order(*lines: MoneyLine, amount: str) -> RefundOrder:
    return RefundOrder(
        reference=REFERENCE,
        order_ref="727",
        amount=Decimal(amount),
        currency="EUR",
        lines=list(lines),
        reason="Return R-1001",
        rma_number="R-1001",
        order_extra=EXTRA,
    )


SHIRTS = MoneyLine(line_ref="315", sku="CHE-LIN-BLEU-M", quantity=2, restock_quantity=2, amount=Decimal("108.00"))


def test_a_refund_whose_units_all_go_back_on_sale_is_one_refund_that_restocks_them(connection, woo, order):
    record = connector_for(connection).refund_create(refund=refund_order(SHIRTS, amount="108.00"))
    (created,) = woo.refunds[727]
    assert (record.kind, record.ref, record.created) == ("refund", str(created["id"]), True)
    (post,) = woo.calls("POST", REFUNDS)
    assert post.body == {
        "amount": "108.00",
        "reason": f"Return R-1001 [rma:{REFERENCE}]",
        "api_refund": True,
        "api_restock": True,
        "line_items": [
            {"id": "315", "quantity": 2, "refund_total": "90.00", "refund_tax": [{"id": "1", "refund_total": "18.00"}]}
        ],
        "meta_data": [{"key": "_rma_refund_id", "value": REFERENCE}, {"key": "_rma_refund_part", "value": "whole"}],
    }
    assert woo.restocked == [(94, 2)]


def test_units_only_partly_restocked_make_two_refunds_that_give_back_our_amount_exactly(connection, woo, order):
    shirts = MoneyLine(line_ref="315", sku="CHE-LIN-BLEU-M", quantity=2, restock_quantity=1, amount=Decimal("108.00"))
    belt = MoneyLine(line_ref="316", sku="CEI-CUIR", quantity=1, restock_quantity=0, amount=Decimal("36.00"))
    # 144.00 of goods, 4.90 of return fee deducted: each line gives back its share.
    record = connector_for(connection).refund_create(refund=refund_order(shirts, belt, amount="139.10"))
    restocked, kept = woo.refunds[727]
    assert record.ref == f"{restocked['id']},{kept['id']}"
    assert (restocked["api_restock"], kept["api_restock"]) == (True, False)
    assert Decimal(restocked["amount"]) + Decimal(kept["amount"]) == Decimal("139.10")
    assert [(line["variation_id"] or line["product_id"], line["quantity"]) for line in restocked["line_items"]] == [
        (94, -1)
    ]
    assert [(line["variation_id"] or line["product_id"], line["quantity"]) for line in kept["line_items"]] == [
        (94, -1),
        (22, -1),
    ]
    assert woo.restocked == [(94, 1)]  # only the unit the warehouse put back on sale
    for refund in (restocked, kept):
        body_total = sum(
            Decimal(line["total"]) + Decimal(line["total_tax"]) for line in refund["line_items"]
        )  # the lines carry the whole amount, tax split out at the order's rate
        assert -body_total == Decimal(refund["amount"])
    assert "(restocked, 2 refunds)" in restocked["reason"]


def test_a_refund_whose_answer_was_lost_is_found_by_our_reference_and_not_made_again(connection, woo, order):
    woo.fail("POST", REFUNDS, 500, after=True)  # WooCommerce refunded, then the answer was lost
    connector = connector_for(connection)
    with pytest.raises(PlatformError) as excinfo:
        connector.refund_create(refund=refund_order(SHIRTS, amount="108.00"))
    assert (excinfo.value.status, excinfo.value.permanent) == (500, False)
    record = connector_for(connection).refund_create(refund=refund_order(SHIRTS, amount="108.00"))
    assert record.created is False
    assert len(woo.refunds[727]) == 1
    assert len(woo.calls("POST", REFUNDS)) == 1
    assert woo.restocked == [(94, 2)]


def test_a_split_refund_interrupted_between_its_two_parts_creates_only_the_missing_one(connection, woo, order):
    shirts = MoneyLine(line_ref="315", sku="CHE-LIN-BLEU-M", quantity=2, restock_quantity=1, amount=Decimal("108.00"))
    refund = refund_order(shirts, amount="108.00")
    woo.fail("POST", REFUNDS, 503, skip=1)  # the restocked part goes through, the other meets a 503
    with pytest.raises(PlatformError):
        connector_for(connection).refund_create(refund=refund)
    assert len(woo.refunds[727]) == 1
    record = connector_for(connection).refund_create(refund=refund)
    assert record.created is True
    restocked, kept = woo.refunds[727]
    assert [p.body["meta_data"][1]["value"] for p in woo.calls("POST", REFUNDS)] == ["restocked", "kept", "kept"]
    assert (restocked["amount"], kept["amount"]) == ("54.00", "54.00")
    assert connector_for(connection).refund_create(refund=refund).created is False
    assert len(woo.refunds[727]) == 2
    assert woo.restocked == [(94, 1)]


def test_a_refund_the_shop_refuses_is_a_permanent_failure(connection, woo, order):
    with pytest.raises(PlatformError) as excinfo:
        connector_for(connection).refund_create(
            refund=replace(refund_order(SHIRTS, amount="108.00"), order_ref="4040")
        )
    assert (excinfo.value.status, excinfo.value.permanent) == (404, True)
    assert "woocommerce_rest_invalid_order_id" in excinfo.value.message


def credit_order(**changes) -> CreditOrder:
    values = {
        "reference": "0b7a1e52-3c9d-4f08-8e6b-5d2c1a9f4e30",
        "code": "AVOIR-7K2M-Q9XP",
        "amount": Decimal("55.00"),
        "currency": "EUR",
        "customer_email": "camille.durand@example.com",
        "customer_name": "Camille Durand",
        "expires_at": datetime(2027, 11, 30, 23, 0, tzinfo=UTC),
        "rma_number": "R-1002",
        "order_ref": "727",
        **changes,
    }
    return CreditOrder(**values)


def test_store_credit_is_a_single_use_coupon_for_the_customer_created_once(connection, woo):
    record = connector_for(connection).credit_create(credit=credit_order())
    (coupon,) = woo.coupons
    assert (record.kind, record.ref, record.created) == ("coupon", str(coupon["id"]), True)
    assert coupon["code"] == "avoir-7k2m-q9xp"  # WooCommerce lower-cases codes
    assert (coupon["discount_type"], coupon["amount"], coupon["usage_limit"]) == ("fixed_cart", "55.00", 1)
    assert coupon["email_restrictions"] == ["camille.durand@example.com"]
    assert coupon["date_expires"] == "2027-11-30T23:00:00+00:00"
    assert "R-1002" in coupon["description"]
    again = connector_for(connection).credit_create(credit=credit_order())
    assert (again.ref, again.created) == (record.ref, False)
    assert len(woo.coupons) == 1
    assert [hit.query for hit in woo.calls("GET", "coupons")] == [{"code": "AVOIR-7K2M-Q9XP"}] * 2


def test_a_coupon_whose_answer_was_lost_is_found_by_its_code(connection, woo):
    woo.fail("POST", "coupons", 500, after=True)
    with pytest.raises(PlatformError):
        connector_for(connection).credit_create(credit=credit_order())
    assert connector_for(connection).credit_create(credit=credit_order()).created is False
    assert len(woo.coupons) == 1


def test_deductions_are_spread_to_the_cent_and_each_line_gives_back_its_tax_at_the_orders_rate():
    lines = [
        MoneyLine(line_ref=str(ref), sku=f"S{ref}", quantity=1, restock_quantity=ref % 2, amount=Decimal("33.33"))
        for ref in (1, 2, 3)
    ]
    extra = {"lines": {str(ref): {"total": "27.78", "total_tax": "5.55", "taxes": {"7": "5.55"}} for ref in (1, 2, 3)}}
    refund = replace(refund_order(*lines, amount="89.99"), order_extra=extra)
    parts = refund_parts(refund)
    assert [(part.name, part.restock) for part in parts] == [("restocked", True), ("kept", False)]
    assert sum(part.amount for part in parts) == Decimal("89.99")
    for part in parts:
        given = sum(
            Decimal(item["refund_total"]) + sum(Decimal(tax["refund_total"]) for tax in item["refund_tax"])
            for item in part.lines
        )
        assert given == part.amount
        for item in part.lines:  # 5.55 of 33.33 is tax: a sixth, to the cent
            (tax,) = item["refund_tax"]
            paid = Decimal(item["refund_total"]) + Decimal(tax["refund_total"])
            assert abs(Decimal(tax["refund_total"]) - paid * Decimal("5.55") / Decimal("33.33")) <= Decimal("0.005")
