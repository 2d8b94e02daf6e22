"""Two operators on the same parcel or carton, on PostgreSQL with two connections: one wins, the other is told."""

import pytest

from rma.core.exceptions import Conflict
from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment
from rma.warehouse.models import Arrival, CartonReceipt, CountedItem, Discrepancy, Disposition, Grade, Refund
from rma.warehouse.services import (
    ScanOutcome,
    arrival_register,
    carton_count_add,
    carton_count_finish,
    carton_receive,
    disposition_confirm,
    inspection_record,
    refund_release,
    shipment_receiving_finish,
)
from rma.warehouse.tasks import refund_release_task
from tests.helpers import run_in_threads as race


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


# ---- shops' shipments: two operators on the same carton


def _cartons(shipment):
    return list(Carton.objects.filter(shipment=shipment).order_by("position"))


@pytest.mark.django_db(transaction=True)
def test_two_operators_scanning_the_same_carton_receive_it_once(
    postgres_only, make_shipment, warehouse, operator, second_operator
):
    shipment = make_shipment([("SKU-A", 2)], [("SKU-B", 1)])
    carton = _cartons(shipment)[0]
    results = race(
        lambda: arrival_register(code=carton.barcode, warehouse=warehouse, actor=operator),
        lambda: arrival_register(code=carton.barcode, warehouse=warehouse, actor=second_operator),
    )
    assert sorted(r.outcome for r in results) == [ScanOutcome.CARTON_ALREADY_RECEIVED, ScanOutcome.CARTON_RECEIVED]
    winner = next(r for r in results if r.outcome == ScanOutcome.CARTON_RECEIVED)
    loser = next(r for r in results if r.outcome == ScanOutcome.CARTON_ALREADY_RECEIVED)
    assert f"already received by {winner.receipt.received_by.get_full_name()}" in loser.message
    assert CartonReceipt.objects.filter(carton=carton).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_operators_closing_the_same_carton_one_is_told(
    postgres_only, make_shipment, shop_return, warehouse, operator, second_operator
):
    returned = shop_return()
    shipment = make_shipment([returned, ("SKU-A", 2)])
    receipt = carton_receive(carton=_cartons(shipment)[0], warehouse=warehouse, actor=operator).receipt
    carton_count_add(receipt=receipt, code=returned.rma_number, actor=operator)
    results = race(
        lambda: carton_count_finish(receipt=receipt, actor=operator),
        lambda: carton_count_finish(receipt=receipt, actor=second_operator),
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    done = [r for r in results if not isinstance(r, Exception)]
    assert (len(conflicts), len(done)) == (1, 1)
    assert conflicts[0].code == "carton_already_counted"
    assert f"already counted by {done[0].receipt.counted_by.get_full_name()}" in conflicts[0].message
    # The last carton finished the shipment, once: one set of findings, one discrepancy row.
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RECEIVED_WITH_DISCREPANCIES
    assert [(f["kind"], f["sku"], f["quantity"]) for f in shipment.findings] == [("missing", "SKU-A", 2)]
    assert Discrepancy.objects.count() == 1
    assert ReturnRequest.objects.get(pk=returned.pk).status == S.RECEIVED


@pytest.mark.django_db(transaction=True)
def test_a_count_racing_the_carton_closing_is_kept_or_refused_never_lost(
    postgres_only, make_shipment, warehouse, operator, second_operator
):
    shipment = make_shipment([("SKU-A", 1)])
    receipt = carton_receive(carton=_cartons(shipment)[0], warehouse=warehouse, actor=operator).receipt
    results = race(
        lambda: carton_count_add(receipt=receipt, code="SKU-A", actor=second_operator),
        lambda: carton_count_finish(receipt=receipt, actor=operator),
    )
    counted, finished = results
    assert not isinstance(finished, Exception)
    shipment.refresh_from_db()
    if isinstance(counted, Conflict):  # closed first: the count is refused, with who closed it
        assert counted.code == "carton_already_counted"
        assert [f["kind"] for f in shipment.findings] == ["missing"]
        assert CountedItem.objects.count() == 0
    else:  # counted first: the closing saw it
        assert shipment.findings == []
        assert CountedItem.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_operators_finishing_the_same_shipment_record_it_once(
    postgres_only, make_shipment, warehouse, operator, second_operator
):
    shipment = make_shipment([("SKU-A", 1)], [("SKU-B", 1)])
    receipt = carton_receive(carton=_cartons(shipment)[0], warehouse=warehouse, actor=operator).receipt
    carton_count_finish(receipt=receipt, actor=operator)
    results = race(
        lambda: shipment_receiving_finish(shipment=Shipment.objects.get(pk=shipment.pk), actor=operator),
        lambda: shipment_receiving_finish(shipment=Shipment.objects.get(pk=shipment.pk), actor=second_operator),
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1
    assert conflicts[0].code == "shipment_already_received"
    assert Discrepancy.objects.count() == 2  # SKU-A missing in the first carton, the second carton missing
    assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.RECEIVED_WITH_DISCREPANCIES
