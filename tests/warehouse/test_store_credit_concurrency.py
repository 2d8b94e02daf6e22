"""Store credit under races, on PostgreSQL with two connections: issued once, never spent below zero."""

from decimal import Decimal

import pytest

from rma.core.exceptions import Conflict
from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnPolicy, ReturnRequest
from rma.returns.services import return_request_transition
from rma.warehouse.models import StoreCredit, StoreCreditRedemption
from rma.warehouse.services.credits import store_credit_issue, store_credit_redeem
from tests.helpers import race_on_row_lock, run_in_threads
from tests.orders.factories import OrderLineFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def handover_return(policy, make_return):
    """A store-credit return worth 50.00, label ready, under a policy that issues credit at handover (+10 %)."""
    ReturnPolicy.objects.filter(pk=policy.pk).update(
        store_credit_moment="handover", store_credit_bonus_percent=Decimal("10")
    )
    line = OrderLineFactory(quantity=2, unit_price=Decimal("25.00"))
    return make_return(order_line=line, quantity=2, status=S.LABEL_READY, resolution="store_credit")


def test_two_connections_issuing_the_same_credit_issue_it_once(postgres_only, handover_return):
    def issue():
        return store_credit_issue(
            return_request=ReturnRequest.objects.get(pk=handover_return.pk), base=Decimal("50.00"), moment="handover"
        )

    first, second = run_in_threads(issue, issue)

    assert isinstance(first, StoreCredit)
    assert isinstance(second, StoreCredit)
    assert first.pk == second.pk
    assert StoreCredit.objects.count() == 1
    assert OutboxMessage.objects.filter(topic="store_credit.issued").count() == 1
    assert OutboxMessage.objects.filter(topic="store_credit_issued").count() == 1


def test_a_handover_racing_a_retry_issues_once(postgres_only, handover_return):
    outcomes = race_on_row_lock(
        first_move=lambda: return_request_transition(
            return_request=ReturnRequest.objects.get(pk=handover_return.pk), to=S.IN_TRANSIT
        ),
        second_move=lambda: store_credit_issue(
            return_request=ReturnRequest.objects.get(pk=handover_return.pk), base=Decimal("80.00"), moment="handover"
        ),
        lock_row=lambda: ReturnRequest.objects.select_for_update().get(pk=handover_return.pk),
    )

    assert outcomes == {"first": "won", "second": "won"}
    credit = StoreCredit.objects.get()
    # The retry waited for the handover's lock, then found its credit: 50.00 + 10 %, not 80.00.
    assert credit.amount == Decimal("55.00")
    assert OutboxMessage.objects.filter(topic="store_credit.issued").count() == 1


@pytest.fixture
def credit(handover_return):
    return_request_transition(return_request=handover_return, to=S.IN_TRANSIT)
    return StoreCredit.objects.get()  # 55.00


def redeem(credit, amount, reference):
    return lambda: store_credit_redeem(
        store_credit=StoreCredit.objects.get(pk=credit.pk), amount=Decimal(amount), reference=reference
    )


def test_two_checkouts_spending_more_than_the_balance_one_is_refused(postgres_only, credit):
    results = run_in_threads(redeem(credit, "30.00", "order-1"), redeem(credit, "30.00", "order-2"))

    refused = [r for r in results if isinstance(r, Conflict)]
    assert [r.code for r in refused] == ["store_credit_insufficient_balance"]
    credit.refresh_from_db()
    assert credit.balance == Decimal("25.00")
    assert StoreCreditRedemption.objects.count() == 1


def test_a_checkout_waiting_on_the_lock_sees_the_balance_left(postgres_only, credit):
    outcomes = race_on_row_lock(
        first_move=redeem(credit, "40.00", "order-1"),
        second_move=redeem(credit, "20.00", "order-2"),
        lock_row=lambda: StoreCredit.objects.select_for_update().get(pk=credit.pk),
    )

    assert outcomes["first"] == "won"
    assert isinstance(outcomes["second"], Conflict)
    assert outcomes["second"].code == "store_credit_insufficient_balance"
    assert outcomes["second"].extra["balance"] == "15.00"
    credit.refresh_from_db()
    assert credit.balance == Decimal("15.00")


def test_the_same_reference_sent_twice_at_once_is_spent_once(postgres_only, credit):
    first, second = run_in_threads(redeem(credit, "10.00", "order-1"), redeem(credit, "10.00", "order-1"))

    assert sorted([first.created, second.created]) == [False, True]
    assert first.redemption.pk == second.redemption.pk
    credit.refresh_from_db()
    assert credit.balance == Decimal("45.00")
