"""Store credit: issued exactly once at the moment the policy says, with the bonus and expiry, then redeemed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rma.core.exceptions import Conflict
from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnEvent, ReturnPolicy, ReturnRequest
from rma.returns.services import return_request_transition
from rma.warehouse.choices import StoreCreditStatus, UnitCondition
from rma.warehouse.models import Refund, StoreCredit, StoreCreditRedemption
from rma.warehouse.services import arrival_register, refund_release
from rma.warehouse.services.credits import store_credit_cancel, store_credit_issue, store_credit_redeem
from tests.helpers import accept_at_counter
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import return_request_make
from tests.warehouse.test_refunds import inspect_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def credit_policy(policy):
    """Set the default policy's store credit rules."""

    def set_rules(*, moment="inspection", bonus="0", days=None):
        ReturnPolicy.objects.filter(pk=policy.pk).update(
            store_credit_moment=moment, store_credit_bonus_percent=Decimal(bonus), store_credit_validity_days=days
        )

    return set_rules


@pytest.fixture
def credit_return(make_return):
    """A store-credit return of `units` units at `price`, moved on to `status` (approved by default)."""

    def make(*, units=2, price="25.00", status=S.LABEL_READY, resolution="store_credit"):
        line = OrderLineFactory(quantity=units, unit_price=Decimal(price))
        return make_return(order_line=line, quantity=units, status=status, resolution=resolution)

    return make


def received_and_inspected(return_request, warehouse, operator, grades):
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    return_request.refresh_from_db()
    inspect_all(return_request, operator, grades)
    return return_request


def topics(return_request):
    return sorted(
        OutboxMessage.objects.filter(payload__rma_number=return_request.rma_number).values_list("topic", flat=True)
    ) + sorted(
        OutboxMessage.objects.filter(payload__return__rma_number=return_request.rma_number).values_list(
            "topic", flat=True
        )
    )


# ---- after inspection (the default)


def test_after_inspection_the_credit_replaces_the_payment_with_the_bonus(
    credit_policy, credit_return, warehouse, operator
):
    credit_policy(moment="inspection", bonus="10", days=365)
    return_request = credit_return(status=S.IN_TRANSIT)
    assert not StoreCredit.objects.exists()  # handing the parcel over issues nothing under this policy

    received_and_inspected(return_request, warehouse, operator, ["A", "A"])
    result = refund_release(return_request=return_request, actor=operator)

    credit = StoreCredit.objects.get()
    assert credit.return_request == return_request
    assert (credit.amount, credit.bonus_amount, credit.bonus_percent) == (
        Decimal("55.00"),
        Decimal("5.00"),
        Decimal("10.00"),
    )
    assert (credit.balance, credit.currency, credit.status, credit.moment) == (
        Decimal("55.00"),
        "EUR",
        StoreCreditStatus.ACTIVE,
        "inspection",
    )
    assert credit.issued_by == operator
    assert timedelta(days=364) < credit.expires_at - timezone.now() <= timedelta(days=365)
    refund = result.refund
    assert (refund.amount, refund.method) == (Decimal("50.00"), "store_credit")
    assert refund.breakdown["store_credit"] == {
        "public_id": str(credit.public_id),
        "moment": "inspection",
        "issued_at": credit.created_at.isoformat(),
        "amount": "55.00",
        "bonus_amount": "5.00",
        "covers": "50.00",
        "inspected_amount": "50.00",
        "difference": "0.00",
    }
    # The credit's own email carries the code; the refund email would only repeat it.
    assert "store_credit_issued" in topics(return_request)
    assert "store_credit.issued" in topics(return_request)
    assert not OutboxMessage.objects.filter(topic="refund_released").exists()


def test_a_credit_that_never_expires_and_a_code_that_cannot_be_guessed(
    credit_policy, credit_return, warehouse, operator
):
    credit_policy(days=None)
    first = received_and_inspected(credit_return(status=S.IN_TRANSIT), warehouse, operator, ["A", "A"])
    second = received_and_inspected(credit_return(status=S.IN_TRANSIT), warehouse, operator, ["A", "A"])
    refund_release(return_request=first, actor=operator)
    refund_release(return_request=second, actor=operator)

    codes = [credit.code for credit in StoreCredit.objects.all()]
    assert all(credit.expires_at is None for credit in StoreCredit.objects.all())
    assert len(set(codes)) == 2
    for code in codes:
        assert len(code) == 19
        assert code.count("-") == 3
        assert not set(code.replace("-", "")) & set("01IOLU")


def test_refund_resolution_gets_no_credit(credit_policy, credit_return, warehouse, operator):
    credit_policy(moment="handover", bonus="10")
    return_request = credit_return(status=S.IN_TRANSIT, resolution="refund")
    received_and_inspected(return_request, warehouse, operator, ["A", "A"])
    assert refund_release(return_request=return_request, actor=operator).refund.method == "original_payment"
    assert not StoreCredit.objects.exists()


# ---- when the parcel is handed over


def test_at_handover_the_credit_is_issued_when_the_return_goes_in_transit(credit_policy, credit_return):
    credit_policy(moment="handover", bonus="10", days=30)
    return_request = credit_return(status=S.LABEL_READY)
    assert not StoreCredit.objects.exists()

    return_request_transition(return_request=return_request, to=S.IN_TRANSIT)

    credit = StoreCredit.objects.get(return_request=return_request)
    assert (credit.amount, credit.bonus_amount, credit.moment) == (Decimal("55.00"), Decimal("5.00"), "handover")
    assert timedelta(days=29) < credit.expires_at - timezone.now() <= timedelta(days=30)
    assert OutboxMessage.objects.filter(topic="store_credit_issued").count() == 1
    assert OutboxMessage.objects.filter(topic="store_credit.issued").count() == 1


def test_at_handover_through_the_shop_counter(credit_policy, reason, shop, clerk):
    credit_policy(moment="handover", bonus="5")
    return_request = return_request_make(
        reason=reason, at=shop, quantity=1, unit_price=Decimal("40.00"), resolution="store_credit"
    )
    accept_at_counter(return_request, store=shop, actor=clerk)

    credit = StoreCredit.objects.get(return_request=return_request)
    assert (credit.amount, credit.issued_by) == (Decimal("42.00"), clerk)


def test_after_a_handover_credit_the_release_pays_nothing_again_and_records_the_difference(
    credit_policy, credit_return, warehouse, operator
):
    credit_policy(moment="handover", bonus="10")
    return_request = credit_return(status=S.IN_TRANSIT)
    issued = StoreCredit.objects.get()
    # One unit never arrived: the inspection finds half the value the credit was issued for.
    received_and_inspected(return_request, warehouse, operator, ["A", UnitCondition.MISSING])

    refund = refund_release(return_request=return_request, actor=operator).refund

    credit = StoreCredit.objects.get()
    assert credit == issued
    assert (credit.amount, credit.balance) == (Decimal("55.00"), Decimal("55.00"))  # left as issued
    assert (refund.amount, refund.method) == (Decimal("25.00"), "store_credit")
    assert refund.breakdown["store_credit"]["moment"] == "handover"
    assert refund.breakdown["store_credit"]["covers"] == "50.00"
    assert refund.breakdown["store_credit"]["difference"] == "25.00"
    assert OutboxMessage.objects.filter(topic="store_credit.issued").count() == 1
    assert OutboxMessage.objects.filter(topic="store_credit_issued").count() == 1
    # The refund webhook tells the shop the credit settled it (no payment).
    webhook = OutboxMessage.objects.get(topic="refund.released")
    assert webhook.payload["refund"]["method"] == "store_credit"
    assert webhook.payload["breakdown"]["store_credit"]["public_id"] == str(credit.public_id)
    # The customer hears that the credit already settles it.
    email = OutboxMessage.objects.get(topic="refund_released")
    assert email.payload["store_credit"]["code"] == credit.code


def test_a_handover_credit_stays_when_nothing_acceptable_arrives(credit_policy, credit_return, warehouse, operator):
    credit_policy(moment="handover")
    return_request = credit_return(status=S.IN_TRANSIT)
    received_and_inspected(return_request, warehouse, operator, [UnitCondition.MISSING, UnitCondition.MISSING])

    assert refund_release(return_request=return_request, actor=operator).outcome == "closed"

    assert StoreCredit.objects.get().status == StoreCreditStatus.ACTIVE
    assert "stays as issued" in ReturnEvent.objects.get(return_request=return_request, to_status=S.CLOSED).note


def test_issuing_again_gives_back_the_same_credit_and_writes_nothing_more(credit_policy, credit_return):
    credit_policy(moment="handover", bonus="10")
    return_request = credit_return(status=S.IN_TRANSIT)
    first = StoreCredit.objects.get()
    messages = OutboxMessage.objects.count()

    again = store_credit_issue(return_request=return_request, base=Decimal("999.00"), moment="inspection")

    assert again == first
    assert (again.amount, StoreCredit.objects.count(), OutboxMessage.objects.count()) == (
        Decimal("55.00"),
        1,
        messages,
    )


def test_nothing_is_issued_for_nothing(credit_policy, credit_return):
    credit_policy(moment="handover", bonus="10")
    return_request = credit_return(status=S.APPROVED)
    assert store_credit_issue(return_request=return_request, base=Decimal("0.00"), moment="handover") is None
    assert not StoreCredit.objects.exists()


# ---- redemptions


@pytest.fixture
def credit(credit_policy, credit_return):
    credit_policy(moment="handover", days=10)
    credit_return(status=S.IN_TRANSIT)
    return StoreCredit.objects.get()  # 50.00


def test_partial_redemptions_lower_the_balance_down_to_spent(credit, integration_user):
    first = store_credit_redeem(store_credit=credit, amount=Decimal("30.00"), reference="order-1")
    assert (first.created, credit.balance, credit.status) == (True, Decimal("20.00"), StoreCreditStatus.ACTIVE)
    second = store_credit_redeem(
        store_credit=credit, amount=Decimal("20.00"), reference="order-2", actor=integration_user
    )
    credit.refresh_from_db()
    assert (credit.balance, credit.status) == (Decimal("0.00"), StoreCreditStatus.SPENT)
    assert (second.redemption.balance_after, second.redemption.redeemed_by) == (Decimal("0.00"), integration_user)
    with pytest.raises(Conflict) as refused:
        store_credit_redeem(store_credit=credit, amount=Decimal("0.01"), reference="order-3")
    assert refused.value.code == "store_credit_insufficient_balance"


def test_never_below_zero(credit):
    with pytest.raises(Conflict) as refused:
        store_credit_redeem(store_credit=credit, amount=Decimal("50.01"), reference="order-1")
    assert refused.value.code == "store_credit_insufficient_balance"
    assert refused.value.extra == {"balance": "50.00", "currency": "EUR"}
    credit.refresh_from_db()
    assert credit.balance == Decimal("50.00")
    assert not StoreCreditRedemption.objects.exists()


def test_the_same_reference_is_recorded_once(credit):
    first = store_credit_redeem(store_credit=credit, amount=Decimal("10.00"), reference="order-1")
    again = store_credit_redeem(store_credit=credit, amount=Decimal("10.00"), reference="order-1")
    assert (again.created, again.redemption) == (False, first.redemption)
    credit.refresh_from_db()
    assert credit.balance == Decimal("40.00")
    with pytest.raises(Conflict) as refused:
        store_credit_redeem(store_credit=credit, amount=Decimal("12.00"), reference="order-1")
    assert refused.value.code == "store_credit_reference_reused"


def test_an_expired_credit_cannot_be_spent(credit):
    StoreCredit.objects.filter(pk=credit.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    credit.refresh_from_db()
    assert credit.current_status() == StoreCreditStatus.EXPIRED
    with pytest.raises(Conflict) as refused:
        store_credit_redeem(store_credit=credit, amount=Decimal("1.00"), reference="order-1")
    assert refused.value.code == "store_credit_expired"


def test_a_cancelled_credit_cannot_be_spent(credit):
    store_credit_cancel(store_credit=credit)
    with pytest.raises(Conflict) as refused:
        store_credit_redeem(store_credit=credit, amount=Decimal("1.00"), reference="order-1")
    assert refused.value.code == "store_credit_cancelled"


def test_refund_rows_stay_one_per_return(credit, warehouse, operator):
    return_request = ReturnRequest.objects.get()
    received_and_inspected(return_request, warehouse, operator, ["A", "A"])
    refund_release(return_request=return_request, actor=operator)
    with pytest.raises(Conflict):
        refund_release(return_request=ReturnRequest.objects.get(pk=return_request.pk), actor=operator)
    assert (Refund.objects.count(), StoreCredit.objects.count()) == (1, 1)
