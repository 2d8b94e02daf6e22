"""A refund without return: the customer keeps items worth little; the refund is released right after approval."""

from decimal import Decimal
from functools import partial

import pytest

from rma.core.exceptions import Conflict, InvalidTransition
from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import PolicyFee, ReturnRequest
from rma.returns.services import return_request_approve
from rma.shipping.models import Label
from rma.warehouse.models import Refund
from rma.warehouse.services import refund_release
from tests.core.factories import UserFactory
from tests.helpers import run_in_threads as race
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import return_request_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def returnless_policy(policy):
    """Items worth less than 20.00 are kept by the customer; a relay-point return otherwise costs 3.90."""
    policy.returnless_refund_below = Decimal("20.00")
    policy.save(update_fields=["returnless_refund_below"])
    PolicyFee.objects.create(policy=policy, responsibility="customer", drop_off_method="relay_point", amount="3.90")
    return policy


@pytest.fixture
def make_returnless(warehouse, relay, reason):
    """A return made and submitted through the portal's service (not moved on: the warehouse's make_return is)."""
    return partial(return_request_make, reason=reason, relay=relay)


@pytest.fixture
def cheap_line(db):
    return OrderLineFactory(quantity=3, unit_price=Decimal("6.50"))


def test_an_auto_approved_returnless_return_is_refunded_in_full_once(
    returnless_policy, make_returnless, cheap_line, settings, django_capture_on_commit_callbacks
):
    settings.RMA_SHOP_WEBHOOK_URL = "https://shop.example.com/hooks/rma"
    with django_capture_on_commit_callbacks(execute=True):
        return_request = make_returnless(order_line=cheap_line, quantity=2)

    return_request.refresh_from_db()
    assert return_request.returnless is True
    assert return_request.status == S.REFUNDED
    # Nothing is shipped: no drop-off fee, no label.
    assert return_request.fee_amount == Decimal("0.00")
    assert return_request.refund_estimate == Decimal("13.00")
    assert not Label.objects.filter(return_request=return_request).exists()
    refund = Refund.objects.get(return_request=return_request)
    assert (refund.amount, refund.currency, refund.method) == (Decimal("13.00"), "EUR", "original_payment")
    assert refund.breakdown["fee"] == "0.00"
    assert refund.breakdown["deductions"] == "0.00"
    assert [unit["condition"] for unit in refund.breakdown["units"]] == ["kept", "kept"]
    # The shop is told through the outbox, the customer gets the amount really refunded.
    webhook = OutboxMessage.objects.get(topic="refund.released")
    assert webhook.destination == "https://shop.example.com/hooks/rma"
    assert webhook.payload["refund"]["amount"] == "13.00"
    email = OutboxMessage.objects.get(topic="refund_released", channel="email")
    assert email.payload["refund_amount"] == "13.00"
    assert list(return_request.events.values_list("to_status", flat=True)) == [
        S.DRAFT,
        S.SUBMITTED,
        S.APPROVED,
        S.REFUNDED,
    ]

    # Worth more than the threshold: the fee applies and the refund waits for the parcel.
    dearer = make_returnless(order_line=OrderLineFactory(quantity=1, unit_price=Decimal("25.00")))
    dearer.refresh_from_db()
    assert (dearer.returnless, dearer.fee_amount, dearer.status) == (False, Decimal("3.90"), S.APPROVED)
    assert not Refund.objects.filter(return_request=dearer).exists()


def test_a_returnless_store_credit_is_a_refund_row_with_the_store_credit_method(
    returnless_policy, make_returnless, cheap_line
):
    return_request = make_returnless(order_line=cheap_line, resolution="store_credit")
    refund = Refund.objects.get(return_request=return_request)
    assert (refund.method, refund.amount) == ("store_credit", Decimal("6.50"))
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.REFUNDED


def test_an_agent_approving_a_returnless_return_releases_its_refund_and_approving_again_is_refused(
    returnless_policy, make_returnless, cheap_line
):
    returnless_policy.auto_approve = False
    returnless_policy.save(update_fields=["auto_approve"])
    return_request = make_returnless(order_line=cheap_line)
    assert return_request.status == S.NEEDS_REVIEW
    agent = UserFactory(username="agent-eve")

    return_request_approve(return_request=return_request, actor=agent, note="Fine")

    assert return_request.status == S.REFUNDED
    refund = Refund.objects.get(return_request=return_request)
    assert refund.released_by == agent
    with pytest.raises(InvalidTransition):
        return_request_approve(return_request=ReturnRequest.objects.get(pk=return_request.pk), actor=agent)
    with pytest.raises(Conflict):
        refund_release(return_request=return_request, actor=agent)
    assert Refund.objects.count() == 1
    assert OutboxMessage.objects.filter(topic="refund.released").count() == 1


def test_the_approval_api_answers_with_the_refunded_return(returnless_policy, make_returnless, cheap_line, agent):
    returnless_policy.auto_approve = False
    returnless_policy.save(update_fields=["auto_approve"])
    return_request = make_returnless(order_line=cheap_line)

    response = agent.post(f"/api/v1/returns/{return_request.public_id}/approve/", {"note": "OK"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "refunded"
    assert body["refund"] == {"amount": "6.50", "currency": "EUR", "method": "original_payment"}


@pytest.mark.django_db(transaction=True)
def test_two_agents_approving_at_once_release_one_refund(
    postgres_only, returnless_policy, make_returnless, cheap_line
):
    returnless_policy.auto_approve = False
    returnless_policy.save(update_fields=["auto_approve"])
    return_request = make_returnless(order_line=cheap_line)
    first, second = UserFactory(username="agent-a"), UserFactory(username="agent-b")

    results = race(
        lambda: return_request_approve(return_request=ReturnRequest.objects.get(pk=return_request.pk), actor=first),
        lambda: return_request_approve(return_request=ReturnRequest.objects.get(pk=return_request.pk), actor=second),
    )

    assert sorted(type(r).__name__ for r in results) == ["InvalidTransition", "ReturnRequest"]
    assert Refund.objects.filter(return_request=return_request).count() == 1
    assert OutboxMessage.objects.filter(topic="refund.released").count() == 1
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.REFUNDED
