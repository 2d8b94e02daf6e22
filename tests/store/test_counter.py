"""The counter: find a return by what the customer shows, check each line, accept or refuse, or start one."""

import pytest

from rma.core.exceptions import Conflict, DomainError, InvalidTransition, NotEligible
from rma.notifications.models import OutboxMessage
from rma.orders.selectors import order_get_for_customer
from rma.returns.choices import ReturnStatus as S
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import ReturnRequest
from rma.returns.services import ReturnLineInput, return_request_create
from rma.shipping.choices import LabelStatus
from rma.shipping.models import CounterCheck, Label
from rma.shipping.services.labels import label_qr_payload
from rma.store.services.counter import (
    CounterLineCheck,
    counter_return_check,
    counter_return_find,
    counter_return_start,
)
from tests.locations.factories import DropOffPointFactory
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db


def checks_for(return_request, *, accepted=True, condition="good", reason=""):
    return [
        CounterLineCheck(return_line_id=line.pk, condition=condition, accepted=accepted, refusal_reason=reason)
        for line in return_request.lines.order_by("id")
    ]


@pytest.mark.parametrize("shape", ["rma", "rma-lower-no-dashes", "qr", "tracking"])
def test_the_counter_finds_a_return_by_rma_number_qr_code_or_tracking_number(make_return, store, shape):
    return_request = make_return()
    Label.objects.update_or_create(
        return_request=return_request, defaults={"tracking_number": "RP123456785FR", "status": LabelStatus.READY}
    )
    code = {
        "rma": return_request.rma_number,
        "rma-lower-no-dashes": return_request.rma_number.replace("-", "").lower(),
        "qr": label_qr_payload(rma_number=return_request.rma_number),
        "tracking": " RP123456785FR ",
    }[shape]
    assert counter_return_find(code=code, stores=[store]) == return_request


def test_unknown_codes_and_other_shops_returns_are_refused_clearly(make_return, store, other_store):
    with pytest.raises(DomainError) as unknown:
        counter_return_find(code="R-ZZZZ-ZZZZ", stores=[store])
    assert unknown.value.code == "unknown_code"
    assert "No return matches" in unknown.value.message
    forged = "RMA:R-ZZZZ-ZZZZ:ABCDEF123456"
    with pytest.raises(DomainError):
        counter_return_find(code=forged, stores=[store])
    theirs = make_return(at=other_store)
    with pytest.raises(DomainError) as other:
        counter_return_find(code=theirs.rma_number, stores=[store])
    assert other.value.code == "other_store"


def test_accepting_every_line_hands_the_return_in_and_emails_the_customer(make_return, store, clerk):
    return_request = make_return(lines=2)
    outcome = counter_return_check(
        return_request=return_request, store=store, actor=clerk, checks=checks_for(return_request)
    )
    return_request.refresh_from_db()
    assert return_request.status == S.IN_TRANSIT
    event = return_request.events.get(to_status=S.IN_TRANSIT)
    assert event.note == "Handed in at Boutique Rivoli."
    assert event.actor == clerk
    assert outcome.accepted_units == 2
    assert outcome.refused_units == 0
    assert CounterCheck.objects.filter(return_line__return_request=return_request, accepted=True).count() == 2
    email = OutboxMessage.objects.get(topic="store_counter_receipt")
    assert email.destination == return_request.contact_email
    assert email.payload["rma_number"] == return_request.rma_number
    assert email.payload["accepted_units"] == 2
    assert email.payload["shop"]["name"] == "Boutique Rivoli"


def test_a_partial_acceptance_is_recorded_line_by_line(make_return, store, clerk):
    return_request = make_return(lines=2)
    first, second = return_request.lines.order_by("id")
    counter_return_check(
        return_request=return_request,
        store=store,
        actor=clerk,
        checks=[
            CounterLineCheck(return_line_id=first.pk, condition="as_new", accepted=True),
            CounterLineCheck(
                return_line_id=second.pk, condition="worn", accepted=False, refusal_reason="Worn, tags removed"
            ),
        ],
    )
    return_request.refresh_from_db()
    assert return_request.status == S.IN_TRANSIT
    assert "Refused at the counter" in return_request.events.get(to_status=S.IN_TRANSIT).note
    refused = CounterCheck.objects.get(return_line=second)
    assert (refused.accepted, refused.condition, refused.refusal_reason) == (False, "worn", "Worn, tags removed")
    email = OutboxMessage.objects.get(topic="store_counter_receipt")
    assert [line["accepted"] for line in email.payload["lines"]] == [True, False]


def test_refusing_every_line_cancels_the_return_with_the_reasons(make_return, store, clerk):
    return_request = make_return()
    line = return_request.lines.get()
    counter_return_check(
        return_request=return_request,
        store=store,
        actor=clerk,
        checks=checks_for(return_request, accepted=False, condition="damaged", reason="Broken by the customer"),
    )
    return_request.refresh_from_db()
    assert return_request.status == S.CANCELLED
    assert "Broken by the customer" in return_request.events.get(to_status=S.CANCELLED).note
    line.order_line.refresh_from_db()
    assert line.order_line.quantity_in_returns == 0  # the units are returnable again
    assert OutboxMessage.objects.get(topic="store_counter_receipt").payload["accepted_units"] == 0


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ("missing_line", "lines_mismatch"),
        ("twice", "lines_mismatch"),
        ("no_reason", "refusal_reason_required"),
        ("bad_condition", "invalid_condition"),
    ],
)
def test_incomplete_checks_change_nothing(make_return, store, clerk, bad, code):
    return_request = make_return(lines=2)
    first, second = return_request.lines.order_by("id")
    checks = {
        "missing_line": [CounterLineCheck(return_line_id=first.pk, condition="good", accepted=True)],
        "twice": [CounterLineCheck(return_line_id=first.pk, condition="good", accepted=True)] * 2,
        "no_reason": [
            CounterLineCheck(return_line_id=first.pk, condition="good", accepted=True),
            CounterLineCheck(return_line_id=second.pk, condition="worn", accepted=False, refusal_reason="  "),
        ],
        "bad_condition": [
            CounterLineCheck(return_line_id=first.pk, condition="shiny", accepted=True),
            CounterLineCheck(return_line_id=second.pk, condition="good", accepted=True),
        ],
    }[bad]
    with pytest.raises(DomainError) as refused:
        counter_return_check(return_request=return_request, store=store, actor=clerk, checks=checks)
    assert refused.value.code == code
    assert ReturnRequest.objects.get(pk=return_request.pk).status == return_request.status
    assert not CounterCheck.objects.exists()
    assert not OutboxMessage.objects.filter(topic="store_counter_receipt").exists()


def test_a_return_is_checked_once(make_return, store, clerk):
    return_request = make_return()
    counter_return_check(return_request=return_request, store=store, actor=clerk, checks=checks_for(return_request))
    with pytest.raises(Conflict) as again:
        counter_return_check(
            return_request=return_request, store=store, actor=clerk, checks=checks_for(return_request)
        )
    assert again.value.code == "already_handed_in"
    assert CounterCheck.objects.count() == 1


def test_returns_that_cannot_be_handed_in_are_refused(make_return, store, other_store, clerk, reason):
    cancelled = make_return(status=S.CANCELLED)
    with pytest.raises(InvalidTransition):
        counter_return_check(return_request=cancelled, store=store, actor=clerk, checks=checks_for(cancelled))
    theirs = make_return(at=other_store)
    with pytest.raises(DomainError) as other:
        counter_return_check(return_request=theirs, store=store, actor=clerk, checks=checks_for(theirs))
    assert other.value.code == "other_store"
    line = OrderLineFactory()
    draft = return_request_create(
        order=line.order,
        lines=[ReturnLineInput(order_line=line, quantity=1, reason=reason)],
        drop_off=DropOffChoice(method="store", point=store.drop_off_point),
    )
    with pytest.raises(NotEligible) as not_yet:
        counter_return_check(return_request=draft, store=store, actor=clerk, checks=checks_for(draft))
    assert not_yet.value.code == "not_approved"
    assert not CounterCheck.objects.exists()


def test_a_relay_point_return_handed_in_at_a_shop_is_adopted_by_it(make_return, store, clerk):
    relay = DropOffPointFactory()
    return_request = make_return(point=relay)
    assert return_request.store_id is None
    assert counter_return_find(code=return_request.rma_number, stores=[store]) == return_request
    counter_return_check(return_request=return_request, store=store, actor=clerk, checks=checks_for(return_request))
    return_request.refresh_from_db()
    assert return_request.store == store
    assert return_request.status == S.IN_TRANSIT


def test_the_order_is_found_as_the_customer_would(db):
    line = OrderLineFactory(order__number="ML777", order__customer_email="Chloe@Example.fr", order__postcode="69003")
    assert order_get_for_customer(number="ml777", email_or_postcode="chloe@example.fr") == line.order
    assert order_get_for_customer(number="ML777", email_or_postcode="69 003") == line.order
    assert order_get_for_customer(number="ML777", email_or_postcode="other@example.fr") is None
    assert order_get_for_customer(number="ML000", email_or_postcode="chloe@example.fr") is None


def test_staff_start_a_return_at_the_counter_with_the_portal_policy(store, clerk, policy, reason):
    line = OrderLineFactory(quantity=2)
    return_request = counter_return_start(
        order=line.order,
        store=store,
        actor=clerk,
        lines=[ReturnLineInput(order_line=line, quantity=1, reason=reason)],
    )
    return_request.refresh_from_db()
    assert return_request.channel == "store"
    assert return_request.store == store
    assert return_request.drop_off_method == "store"
    assert return_request.drop_off_point == store.drop_off_point
    assert return_request.created_by == clerk
    assert return_request.status in (S.APPROVED, S.LABEL_READY)
    # Same rules as the portal: a final-sale line is refused.
    final_sale = OrderLineFactory(order=line.order, non_returnable_reason="final_sale")
    with pytest.raises(NotEligible):
        counter_return_start(
            order=line.order,
            store=store,
            actor=clerk,
            lines=[ReturnLineInput(order_line=final_sale, quantity=1, reason=ReasonCodeFactory(code="other"))],
        )
