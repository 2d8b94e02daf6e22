"""Two operators on the same parcel, on PostgreSQL with two connections: one wins, the other is told."""

import threading

import pytest
from django.db import connection

from rma.core.exceptions import Conflict
from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.warehouse.models import Arrival, Disposition, Grade, Refund
from rma.warehouse.services import (
    ScanOutcome,
    arrival_register,
    disposition_confirm,
    inspection_record,
    refund_release,
)
from rma.warehouse.tasks import refund_release_task


def race(*calls):
    """Run the calls at the same moment, each on its own connection; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(5)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_operators_scanning_the_same_parcel_receive_it_once(
    postgres_only, make_return, warehouse, operator, second_operator
):
    return_request = make_return(tracking_number="RP123456785FR")
    results = race(
        lambda: arrival_register(code="RP123456785FR", warehouse=warehouse, actor=operator),
        lambda: arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=second_operator),
    )
    assert sorted(r.outcome for r in results) == [ScanOutcome.ALREADY_RECEIVED, ScanOutcome.RECEIVED]
    loser = next(r for r in results if r.outcome == ScanOutcome.ALREADY_RECEIVED)
    winner = next(r for r in results if r.outcome == ScanOutcome.RECEIVED)
    assert winner.arrival.received_by.get_full_name() in loser.message
    assert Arrival.objects.count() == 1
    assert ReturnRequest.objects.get(pk=return_request.pk).events.filter(to_status=S.RECEIVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_operators_confirming_the_same_unit_one_is_told(
    postgres_only, make_return, warehouse, operator, second_operator
):
    return_request = make_return(quantity=2)
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    inspection = inspection_record(
        return_line=return_request.lines.get(),
        unit_index=0,
        actor=operator,
        grade=Grade.objects.get(scale__category="apparel", code="A"),
    )
    results = race(
        lambda: disposition_confirm(inspection=inspection, actor=operator),
        lambda: disposition_confirm(inspection=inspection, actor=second_operator, kind="donate", override_reason="x"),
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1
    assert conflicts[0].code == "disposition_already_confirmed"
    assert Disposition.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_operators_releasing_the_same_refund_pay_once(
    postgres_only, make_return, warehouse, operator, second_operator
):
    return_request = make_return()
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    inspection = inspection_record(
        return_line=return_request.lines.get(),
        unit_index=0,
        actor=operator,
        grade=Grade.objects.get(scale__category="apparel", code="A"),
    )
    disposition_confirm(inspection=inspection, actor=operator)
    results = race(
        lambda: refund_release(return_request=ReturnRequest.objects.get(pk=return_request.pk), actor=operator),
        lambda: refund_release(return_request=ReturnRequest.objects.get(pk=return_request.pk), actor=second_operator),
        lambda: refund_release_task.run(return_request.pk),  # a retried background task
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    task_results = [r for r in results if isinstance(r, str)]
    released = [r for r in results if not isinstance(r, Conflict | str)]
    assert len(released) + task_results.count("refunded") == 1
    assert all(c.code == "refund_already_released" for c in conflicts)
    assert Refund.objects.count() == 1
    assert OutboxMessage.objects.filter(topic="refund.released").count() == 1
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.REFUNDED
    assert refund_release_task.run(return_request.pk) == "already_released"
