import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from rma.core.exceptions import DomainError, InvalidTransition
from rma.returns import reactions
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.returns.services import (
    return_request_approve,
    return_request_cancel,
    return_request_reject,
    return_request_transition,
    return_requests_expire,
)
from tests.core.factories import UserFactory
from tests.helpers import race_on_row_lock
from tests.orders.factories import OrderLineFactory


@pytest.mark.django_db
def test_a_move_outside_the_lifecycle_is_refused_and_changes_nothing(make_return):
    return_request = make_return()
    with pytest.raises(InvalidTransition) as excinfo:
        return_request_transition(return_request=return_request, to=S.RECEIVED)
    assert excinfo.value.extra == {"from": "approved", "to": "received"}
    assert "cannot become" in excinfo.value.message
    return_request.refresh_from_db()
    assert return_request.status == S.APPROVED
    assert return_request.events.count() == 3


@pytest.mark.django_db
def test_each_move_writes_an_event_with_who_and_why(make_return):
    agent = UserFactory(username="agent", roles=["agent"])
    return_request = make_return(submit=False)
    return_request_transition(return_request=return_request, to=S.SUBMITTED)
    return_request_transition(return_request=return_request, to=S.NEEDS_REVIEW, actor_label="policy")
    return_request_approve(return_request=return_request, actor=agent, note="Photo shows the defect")
    event = return_request.events.last()
    assert (event.actor, event.actor_label, event.from_status, event.to_status, event.note) == (
        agent,
        "agent",
        S.NEEDS_REVIEW,
        S.APPROVED,
        "Photo shows the defect",
    )


@pytest.mark.django_db
def test_the_whole_lifecycle_to_closed(make_return):
    return_request = make_return()
    for status in (S.LABEL_READY, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED, S.REFUNDED, S.CLOSED):
        return_request_transition(return_request=return_request, to=status)
    return_request.refresh_from_db()
    assert return_request.status == S.CLOSED
    with pytest.raises(InvalidTransition):
        return_request_cancel(return_request=return_request)


@pytest.mark.django_db
def test_cannot_cancel_once_in_transit(make_return):
    return_request = make_return()
    return_request_transition(return_request=return_request, to=S.IN_TRANSIT)
    with pytest.raises(InvalidTransition):
        return_request_cancel(return_request=return_request)


@pytest.mark.django_db
def test_reject_needs_a_reason_and_releases_units(make_return):
    line = OrderLineFactory(quantity=1)
    return_request = make_return(order_line=line, submit=False)
    return_request_transition(return_request=return_request, to=S.SUBMITTED)
    with pytest.raises(DomainError) as excinfo:
        return_request_reject(return_request=return_request, actor=None, reason="  ")
    assert excinfo.value.code == "reason_required"
    return_request_reject(return_request=return_request, actor=None, reason="Worn item")
    assert return_request.events.last().reason == "Worn item"
    line.refresh_from_db()
    assert line.quantity_in_returns == 0


@pytest.mark.django_db
def test_expiry_moves_overdue_approved_returns_only(make_return):
    overdue = make_return()
    fresh = make_return()
    ReturnRequest.objects.filter(pk=overdue.pk).update(send_by=timezone.now() - timedelta(hours=1))
    assert return_requests_expire() == 1
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    assert (overdue.status, fresh.status) == (S.EXPIRED, S.APPROVED)
    assert overdue.lines.get().order_line.quantity_in_returns == 0


@pytest.mark.django_db
def test_the_reactions_run_inside_the_transaction(make_return):
    seen = []

    def reaction(change: reactions.StatusChange) -> None:
        seen.append((change.from_status, change.to_status, connection.in_atomic_block))

    reactions.register(reaction)
    try:
        return_request = make_return()
        return_request_cancel(return_request=return_request)
    finally:
        reactions.unregister(reaction)
    assert seen[-1] == (S.APPROVED, S.CANCELLED, True)


def test_each_app_registers_its_reactions_explicitly():
    from rma.returns.messages import return_status_changed_messages
    from rma.shipping.reactions import label_follows_return

    # Messages first (returns comes before shipping in INSTALLED_APPS), then the label.
    assert reactions.registered()[:2] == (return_status_changed_messages, label_follows_return)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_cannot_both_win(postgres_only, make_return):
    """Two connections: one holds the row lock while the other tries the same move."""
    return_request = make_return()

    def cancel(note: str):
        return lambda: return_request_cancel(return_request=ReturnRequest.objects.get(pk=return_request.pk), note=note)

    # The second blocks on the lock until the first commits, then sees "cancelled" and is refused.
    outcomes = race_on_row_lock(
        cancel("first"), cancel("second"), lambda: ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    )
    assert outcomes["first"] == "won"
    assert isinstance(outcomes["second"], InvalidTransition)
    return_request.refresh_from_db()
    assert return_request.status == S.CANCELLED
    assert list(return_request.events.filter(to_status=S.CANCELLED).values_list("note", flat=True)) == ["first"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_returns_cannot_take_the_same_last_unit(postgres_only, make_return):
    line = OrderLineFactory(quantity=1)
    barrier = threading.Barrier(2)
    outcomes = []

    def create():
        barrier.wait(5)
        try:
            make_return(order_line=line, quantity=1)
            outcomes.append("created")
        except Exception as exc:  # noqa: BLE001
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes) == ["NotEligible", "created"]
    line.refresh_from_db()
    assert line.quantity_in_returns == 1


@pytest.mark.django_db(transaction=True)
def test_two_agents_deciding_at_once_make_one_decision(postgres_only, make_return, policy):
    """One agent approves while another rejects: the second waits for the lock, then is refused."""
    policy.auto_approve = False
    policy.save(update_fields=["auto_approve"])
    return_request = make_return()
    assert return_request.status == S.NEEDS_REVIEW
    first, second = UserFactory(username="agent-a", roles=["agent"]), UserFactory(username="agent-b", roles=["agent"])

    def fresh():
        return ReturnRequest.objects.get(pk=return_request.pk)

    outcomes = race_on_row_lock(
        lambda: return_request_approve(return_request=fresh(), actor=first, reason="Bon pour retour"),
        lambda: return_request_reject(return_request=fresh(), actor=second, reason="Article porté"),
        lambda: ReturnRequest.objects.select_for_update().get(pk=return_request.pk),
    )

    assert outcomes["first"] == "won"
    assert isinstance(outcomes["second"], InvalidTransition)
    assert fresh().status in (S.APPROVED, S.LABEL_READY)
    assert list(
        return_request.events.filter(to_status__in=(S.APPROVED, S.REJECTED)).values_list("reason", flat=True)
    ) == ["Bon pour retour"]
