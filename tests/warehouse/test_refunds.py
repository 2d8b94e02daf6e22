from decimal import Decimal

import pytest

from rma.core.exceptions import Conflict, InvalidTransition
from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.warehouse.choices import DispositionKind, UnitCondition
from rma.warehouse.models import ExchangeRequest, Grade, Refund
from rma.warehouse.services import (
    arrival_register,
    disposition_confirm,
    inspection_record,
    refund_compute,
    refund_release,
)
from rma.warehouse.tasks import refund_release_task
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db


def inspect_all(return_request, operator, grades, *, category="apparel"):
    """Grade each unit (a code, or a UnitCondition for missing/wrong) and accept the suggestion."""
    units = [(line, i) for line in return_request.lines.order_by("id") for i in range(line.quantity)]
    assert len(units) == len(grades)
    for (line, index), code in zip(units, grades, strict=True):
        if code in UnitCondition.values:
            inspection_record(return_line=line, unit_index=index, actor=operator, condition=code)
            continue
        inspection = inspection_record(
            return_line=line,
            unit_index=index,
            actor=operator,
            grade=Grade.objects.get(scale__category=category, code=code),
        )
        disposition_confirm(inspection=inspection, actor=operator)
    return_request.refresh_from_db()


@pytest.fixture
def inspected(make_return, warehouse, operator):
    def make(grades, *, fee="0.00", price="50.00", reason=None, **kwargs):
        line = OrderLineFactory(quantity=len(grades), unit_price=Decimal(price), product_ref="CHE-LIN")
        if reason is not None:
            kwargs["reason"] = reason
        return_request = make_return(order_line=line, quantity=len(grades), **kwargs)
        ReturnRequest.objects.filter(pk=return_request.pk).update(fee_amount=Decimal(fee))
        arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
        return_request.refresh_from_db()
        inspect_all(return_request, operator, grades)
        return return_request

    return make


def test_grades_a_and_b_are_refunded_in_full_and_deducting_grades_at_their_recovery(inspected):
    return_request = inspected(["A", "B", "C", "D"], fee="4.90")
    computation = refund_compute(return_request=return_request)
    # A and B: 50 each; C: 40 % of 50 = 20; D: 0 %; minus the 4.90 fee.
    assert computation.gross == Decimal("200.00")
    assert computation.deductions == Decimal("80.00")
    assert computation.amount == Decimal("115.10")
    assert [u["deducted"] for u in computation.units] == [False, False, True, True]


def test_no_grade_deduction_when_the_item_is_faulty(inspected):
    faulty = ReasonCodeFactory(code="faulty", responsibility="merchant", legal_basis="non_conformity")
    return_request = inspected(["C", "D"], reason=faulty)
    assert refund_compute(return_request=return_request).amount == Decimal("100.00")


def test_missing_units_are_not_refunded_and_the_amount_is_never_negative(inspected):
    return_request = inspected(["D", UnitCondition.MISSING], fee="4.90")
    computation = refund_compute(return_request=return_request)
    assert (computation.accepted_units, computation.amount) == (1, Decimal("0.00"))


def test_release_writes_the_refund_the_outbox_message_and_moves_the_return(inspected, operator, settings):
    settings.RMA_SHOP_WEBHOOK_URL = "https://shop.example.com/hooks/rma"
    return_request = inspected(["A", "C"], fee="2.00")
    result = refund_release(return_request=return_request, actor=operator)
    refund = Refund.objects.get(return_request=return_request)
    assert result.refund == refund
    assert result.outcome == "refunded"
    assert (refund.amount, refund.method, refund.released_by) == (Decimal("68.00"), "original_payment", operator)
    assert refund.idempotency_key == f"refund:{return_request.public_id}"
    message = OutboxMessage.objects.get(topic="refund.released")
    assert message.dedupe_key == refund.idempotency_key
    assert message.destination == "https://shop.example.com/hooks/rma"
    assert message.payload["refund"]["amount"] == "68.00"
    assert message.payload["return"]["rma_number"] == return_request.rma_number
    return_request.refresh_from_db()
    assert return_request.status == S.REFUNDED
    # The customer is told, with the released amount (notifications' receiver of the status change).
    email = OutboxMessage.objects.get(topic="refund_released", channel="email")
    assert email.destination == return_request.contact_email
    assert email.payload["refund_amount"] == "68.00"


def test_release_without_a_shop_url_still_records_the_message(inspected, operator, settings):
    settings.RMA_SHOP_WEBHOOK_URL = ""
    return_request = inspected(["A"])
    refund_release(return_request=return_request, actor=operator)
    assert OutboxMessage.objects.get(topic="refund.released").destination == "shop"


def test_store_credit_returns_are_refunded_as_store_credit(inspected, operator):
    return_request = inspected(["A"], resolution="store_credit")
    assert refund_release(return_request=return_request, actor=operator).refund.method == "store_credit"


def test_a_refund_is_never_released_twice(inspected, operator, second_operator):
    return_request = inspected(["A"])
    refund_release(return_request=return_request, actor=operator)
    with pytest.raises(Conflict) as excinfo:
        refund_release(return_request=ReturnRequest.objects.get(pk=return_request.pk), actor=second_operator)
    assert excinfo.value.code == "refund_already_released"
    assert "already released by Alice Martin" in excinfo.value.message
    assert Refund.objects.count() == 1
    assert OutboxMessage.objects.filter(topic="refund.released").count() == 1


def test_the_refund_waits_for_every_unit(make_return, warehouse, operator):
    return_request = make_return(quantity=2)
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    line = return_request.lines.get()
    inspection = inspection_record(
        return_line=line, unit_index=0, actor=operator, grade=Grade.objects.get(scale__category="apparel", code="A")
    )
    disposition_confirm(inspection=inspection, actor=operator, kind=DispositionKind.RESTOCK)
    assert refund_compute(return_request=return_request).complete is False
    with pytest.raises(InvalidTransition) as excinfo:
        refund_release(return_request=return_request, actor=operator)
    assert excinfo.value.code == "inspection_incomplete"
    assert not Refund.objects.exists()


def test_exchanges_produce_an_exchange_request_instead(inspected, operator):
    OrderLineFactory(sku="CHE-LIN-BLA-L", product_ref="CHE-LIN")  # another size of the product, known to the shop
    return_request = inspected(["A", UnitCondition.MISSING], resolution="exchange", exchange_sku="CHE-LIN-BLA-L")
    result = refund_release(return_request=return_request, actor=operator)
    assert result.outcome == "exchanged"
    exchange = ExchangeRequest.objects.get(return_request=return_request)
    sku = return_request.lines.get().order_line.sku
    assert exchange.lines == [{"sku": "CHE-LIN-BLA-L", "quantity": 1, "replaces_sku": sku}]
    assert not Refund.objects.exists()
    assert OutboxMessage.objects.get(topic="exchange.requested").dedupe_key == f"exchange:{return_request.public_id}"
    return_request.refresh_from_db()
    assert return_request.status == S.EXCHANGED
    with pytest.raises(Conflict):
        refund_release(return_request=return_request, actor=operator)


def test_a_return_with_nothing_acceptable_is_closed_without_refund(inspected, operator):
    return_request = inspected([UnitCondition.WRONG_ITEM])
    assert refund_release(return_request=return_request, actor=operator).outcome == "closed"
    return_request.refresh_from_db()
    assert return_request.status == S.CLOSED
    assert not Refund.objects.exists()


def test_the_background_task_releases_once_and_tolerates_retries(inspected, make_return, operator):
    return_request = inspected(["A"])
    assert refund_release_task.delay(return_request.pk, operator.pk).get() == "refunded"
    assert refund_release_task.delay(return_request.pk, operator.pk).get() == "already_released"
    assert Refund.objects.get().released_by == operator
    waiting = make_return()
    assert refund_release_task.delay(waiting.pk).get() == "not_refundable"
    assert refund_release_task.delay(10**9).get() == "missing"
