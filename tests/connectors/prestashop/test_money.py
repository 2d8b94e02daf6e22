"""Money out: a credit slip once (marked by private order messages), the restocked units once, a cart rule once."""

from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest

from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import CreditOrder, MoneyLine, PlatformError, RefundOrder
from tests.connectors.prestashop.shop import order_add

pytestmark = pytest.mark.django_db
REFERENCE = "3f6c1d2e-8a4b-4c5d-9e0f-112233445566"
OTHER = "99999999-8a4b-4c5d-9e0f-112233445566"


@pytest.fixture
def order(fake, connection):
    order_add(fake, 5)
    return connector_for(connection).order_fetch(order_ref="5")


def refund_for(order, *, reference=REFERENCE, amount="70.00", restock=(1, 0)):
    shirt, mug = order.lines
    return RefundOrder(
        reference=reference,
        order_ref="5",
        amount=Decimal(amount),
        currency="EUR",
        lines=[
            MoneyLine(
                line_ref=shirt.line_ref,
                sku=shirt.sku,
                quantity=2,
                restock_quantity=restock[0],
                amount=Decimal("72.00"),
            ),
            MoneyLine(
                line_ref=mug.line_ref, sku=mug.sku, quantity=1, restock_quantity=restock[1], amount=Decimal("18.00")
            ),
        ],
        reason="Return R-1",
        rma_number="R-1",
        order_extra=order.extra,
    )


def stock(fake, product, attribute):
    row = next(
        r
        for r in fake.rows("stock_availables")
        if (r["id_product"], r["id_product_attribute"]) == (str(product), str(attribute))
    )
    return int(row["quantity"])


def posted(hit):
    return ElementTree.fromstring(hit.body)


def test_a_refund_is_a_credit_slip_with_its_restock_and_messages_saying_whose_it_is(connection, fake, order):
    record = connector_for(connection).refund_create(refund=refund_for(order))
    assert (record.kind, record.created) == ("order_slip", True)
    [slip] = fake.rows("order_slip")
    assert str(slip["id"]) == record.ref
    assert (slip["id_order"], slip["id_customer"], slip["amount"], slip["total_products_tax_incl"]) == (
        "5",
        "3",
        "70.00",
        "90.00",
    )
    assert (slip["total_products_tax_excl"], slip["partial"], slip["shipping_cost"]) == ("75.00", "1", "0")
    # The slip's lines were sent as documented, though a stock PrestaShop does not write them.
    body = posted(fake.calls("POST", "order_slip")[0])
    details = body.findall("order_slip/associations/order_slip_details/order_slip_detail")
    assert [(d.findtext("id_order_detail"), d.findtext("product_quantity")) for d in details] == [
        ("501", "2"),
        ("502", "1"),
    ]
    # One unit of the shirt (product 1, combination 2) back on sale; the mug not.
    assert (stock(fake, 1, 2), stock(fake, 2, 0)) == (6, 10)
    put = posted(fake.calls("PUT", "stock_availables")[0])
    assert (put.findtext("stock_available/id_product"), put.findtext("stock_available/quantity")) == ("1", "6")
    messages = [m["message"] for m in fake.rows("messages")]
    assert messages == [
        f"RMA R-1: refund {REFERENCE} of 70.00 EUR, credit slip being created.",
        f"RMA R-1: refund {REFERENCE}: credit slip #{record.ref}.",
        f"RMA R-1: refund {REFERENCE}: restocked 1 of order row 501.",
    ]
    assert {m["private"] for m in fake.rows("messages")} == {"1"}


def test_calling_again_finds_the_slip_and_restocks_nothing_more(connection, fake, order):
    first = connector_for(connection).refund_create(refund=refund_for(order))
    again = connector_for(connection).refund_create(refund=refund_for(order))
    assert (again.ref, again.created) == (first.ref, False)
    assert len(fake.rows("order_slip")) == 1
    assert stock(fake, 1, 2) == 6
    assert len(fake.rows("messages")) == 3


def test_a_slip_created_but_answered_500_is_found_on_the_retry_by_order_amount_and_date(connection, fake, order):
    fake.fail("POST", "order_slip", 500, after_work=True)
    with pytest.raises(PlatformError) as excinfo:
        connector_for(connection).refund_create(refund=refund_for(order))
    assert excinfo.value.permanent is False
    assert len(fake.rows("order_slip")) == 1
    record = connector_for(connection).refund_create(refund=refund_for(order))
    assert (record.ref, record.created) == (str(fake.rows("order_slip")[0]["id"]), False)
    assert len(fake.rows("order_slip")) == 1
    assert stock(fake, 1, 2) == 6


def test_a_slip_another_refund_of_ours_claims_is_not_taken(connection, fake, order):
    first = connector_for(connection).refund_create(refund=refund_for(order, restock=(0, 0)))
    second = connector_for(connection).refund_create(refund=refund_for(order, reference=OTHER, restock=(0, 0)))
    assert second.created is True
    assert second.ref != first.ref
    assert len(fake.rows("order_slip")) == 2


def test_a_slip_made_in_the_back_office_before_ours_is_not_taken_for_ours(connection, fake, order):
    fake.add("order_slip", {"id_order": "5", "id_customer": "3", "amount": "70.00", "date_add": "2026-11-06 10:00:00"})
    record = connector_for(connection).refund_create(refund=refund_for(order))
    assert record.created is True
    assert len(fake.rows("order_slip")) == 2


def test_a_failure_between_the_stock_update_and_its_message_restocks_again_on_the_retry(connection, fake, order):
    fake.fail("POST", "messages", 500, skip=2)  # the "restocked" message fails: the stock was updated
    with pytest.raises(PlatformError):
        connector_for(connection).refund_create(refund=refund_for(order))
    assert stock(fake, 1, 2) == 6
    connector_for(connection).refund_create(refund=refund_for(order))
    # The one window the messages cannot cover (README): the stock update without its message is done again.
    assert stock(fake, 1, 2) == 7
    assert len(fake.rows("order_slip")) == 1


def test_a_refusal_is_permanent_with_prestashops_message(connection, fake, order):
    fake.fail("POST", "order_slip", 400)
    with pytest.raises(PlatformError) as excinfo:
        connector_for(connection).refund_create(refund=refund_for(order))
    assert excinfo.value.permanent is True
    assert "400 Injected failure (code 0)" in excinfo.value.message


def test_a_product_without_stock_available_keeps_its_slip_and_is_not_restocked(connection, fake, order, caplog):
    """The money part is done: a stock the shop does not keep is said in the log, not a failed refund retried
    forever."""
    fake.data["stock_availables"].clear()
    record = connector_for(connection).refund_create(refund=refund_for(order))
    assert record.created is True
    assert len(fake.rows("order_slip")) == 1
    assert fake.calls("PUT", "stock_availables") == []
    assert "no stock_available to restock for product 1/2" in caplog.text


def test_without_messages_the_slip_is_found_by_order_and_amount(connection, fake, order):
    """A key without the messages permission (or a webservice without them): one slip all the same."""
    fake.missing = {"messages"}
    fake.fail("POST", "order_slip", 500, after_work=True)
    with pytest.raises(PlatformError):
        connector_for(connection).refund_create(refund=refund_for(order))
    record = connector_for(connection).refund_create(refund=refund_for(order))
    assert (record.ref, record.created) == ("1", False)
    assert len(fake.rows("order_slip")) == 1
    assert stock(fake, 1, 2) == 5  # the call that created the slip died before restocking: nothing restocked
    fake.data["order_slip"].clear()
    record = connector_for(connection).refund_create(refund=refund_for(order))
    assert record.created is True
    assert stock(fake, 1, 2) == 6


def credit(code="SC-7KQ2-XM4P", **kwargs):
    values = {
        "reference": "0a0b0c0d-1111-2222-3333-444455556666",
        "code": code,
        "amount": Decimal("55.00"),
        "currency": "EUR",
        "customer_email": "marie.dupont@example.com",
        "customer_name": "Marie Dupont",
        "expires_at": datetime(2027, 12, 2, 12, tzinfo=ZoneInfo("UTC")),
        "rma_number": "R-2",
        "order_ref": "5",
    }
    return CreditOrder(**{**values, **kwargs})


def test_a_store_credit_is_a_cart_rule_for_the_customer_found_by_its_code_on_a_retry(connection, fake, order):
    fake.fail("POST", "cart_rules", 500, after_work=True)
    with pytest.raises(PlatformError):
        connector_for(connection).credit_create(credit=credit())
    record = connector_for(connection).credit_create(credit=credit())
    assert (record.kind, record.created) == ("cart_rule", False)
    [rule] = fake.rows("cart_rules")
    assert str(rule["id"]) == record.ref
    assert (rule["code"], rule["id_customer"], rule["reduction_amount"], rule["reduction_tax"]) == (
        "SC-7KQ2-XM4P",
        "3",
        "55.00",
        "1",
    )
    assert (rule["reduction_currency"], rule["quantity"], rule["quantity_per_user"], rule["partial_use"]) == (
        "1",
        "1",
        "1",
        "1",
    )
    assert rule["date_to"] == "2027-12-02 13:00:00"  # shop time
    assert rule["name"] == [{"id": "1", "value": "Store credit R-2"}, {"id": "2", "value": "Store credit R-2"}]
    assert "0a0b0c0d-1111-2222-3333-444455556666" in rule["description"]


def test_a_store_credit_without_an_order_goes_to_the_customer_with_the_email(connection, fake):
    record = connector_for(connection).credit_create(credit=credit(order_ref="", code="SC-2"))
    assert record.created is True
    assert fake.rows("cart_rules")[0]["id_customer"] == "3"


def test_a_store_credit_in_a_currency_the_shop_lacks_is_refused(connection, fake):
    with pytest.raises(PlatformError, match="no currency USD") as excinfo:
        connector_for(connection).credit_create(credit=credit(order_ref="", currency="USD"))
    assert excinfo.value.permanent is True
    assert fake.rows("cart_rules") == []
