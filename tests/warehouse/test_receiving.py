import pytest

from rma.core.exceptions import Conflict, DomainError
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.shipping.services.labels import label_qr_payload
from rma.warehouse.choices import UnexpectedReason
from rma.warehouse.models import Arrival, UnexpectedParcel
from rma.warehouse.services import ScanOutcome, arrival_register, return_request_find_by_code, unexpected_parcel_match

pytestmark = pytest.mark.django_db


def test_a_tracking_number_receives_its_return(make_return, warehouse, operator):
    return_request = make_return(tracking_number="RP123456785FR")
    result = arrival_register(code=" rp123456785fr ", warehouse=warehouse, actor=operator)
    assert result.outcome == ScanOutcome.RECEIVED
    assert result.return_request.pk == return_request.pk
    return_request.refresh_from_db()
    assert return_request.status == S.RECEIVED
    arrival = Arrival.objects.get(return_request=return_request)
    assert (arrival.warehouse, arrival.scanned_code, arrival.received_by) == (warehouse, "RP123456785FR", operator)
    assert return_request.events.last().actor == operator


@pytest.mark.parametrize("variant", ["{rma}", "{bare}", "{bare_no_r}", "{lower}"])
def test_an_rma_number_receives_its_return_in_any_spelling(make_return, warehouse, operator, variant):
    return_request = make_return()
    rma = return_request.rma_number
    code = variant.format(rma=rma, bare=rma.replace("-", ""), bare_no_r=rma.replace("-", "")[1:], lower=rma.lower())
    assert return_request_find_by_code(code=code) == return_request
    assert arrival_register(code=code, warehouse=warehouse, actor=operator).outcome == ScanOutcome.RECEIVED


def test_the_label_qr_code_receives_its_return_and_a_forged_one_does_not(make_return, warehouse, operator):
    return_request = make_return()
    payload = label_qr_payload(rma_number=return_request.rma_number)
    forged = payload[:-4] + ("0000" if not payload.endswith("0000") else "1111")
    assert arrival_register(code=forged, warehouse=warehouse, actor=operator).outcome == ScanOutcome.UNEXPECTED
    assert arrival_register(code=payload, warehouse=warehouse, actor=operator).outcome == ScanOutcome.RECEIVED


def test_scanning_the_same_parcel_twice_does_not_receive_it_twice(make_return, warehouse, operator, second_operator):
    return_request = make_return(tracking_number="RP123456785FR")
    arrival_register(code="RP123456785FR", warehouse=warehouse, actor=operator)
    again = arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=second_operator)
    assert again.outcome == ScanOutcome.ALREADY_RECEIVED
    assert "already received by Alice Martin" in again.message
    assert Arrival.objects.count() == 1
    assert return_request.events.filter(to_status=S.RECEIVED).count() == 1


@pytest.mark.parametrize("status", [S.APPROVED, S.LABEL_READY])
def test_a_return_that_skipped_the_transit_scan_is_moved_through_in_transit(make_return, warehouse, operator, status):
    return_request = make_return(status=status)
    result = arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    assert result.outcome == ScanOutcome.RECEIVED
    events = list(return_request.events.order_by("id"))[-2:]
    assert [(e.from_status, e.to_status) for e in events] == [(status, S.IN_TRANSIT), (S.IN_TRANSIT, S.RECEIVED)]
    assert all("received without transit scan" in e.note.lower() for e in events)


def test_an_unknown_code_opens_one_unexpected_parcel_however_often_it_is_scanned(warehouse, operator):
    first = arrival_register(code="XYZ-42", warehouse=warehouse, actor=operator)
    second = arrival_register(code="xyz-42", warehouse=warehouse, actor=operator)
    assert first.outcome == second.outcome == ScanOutcome.UNEXPECTED
    assert first.parcel.pk == second.parcel.pk
    assert first.parcel.reason == UnexpectedReason.UNKNOWN_CODE
    assert UnexpectedParcel.objects.count() == 1
    assert not Arrival.objects.exists()


def test_an_empty_scan_is_refused(warehouse, operator):
    with pytest.raises(DomainError) as excinfo:
        arrival_register(code="   ", warehouse=warehouse, actor=operator)
    assert excinfo.value.code == "code_required"


def test_a_return_bound_for_another_warehouse_is_not_received_here(make_return, warehouse, other_warehouse, operator):
    return_request = make_return(destination=other_warehouse)
    result = arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    assert result.outcome == ScanOutcome.UNEXPECTED
    assert result.parcel.reason == UnexpectedReason.OTHER_WAREHOUSE
    return_request.refresh_from_db()
    assert return_request.status == S.IN_TRANSIT


def test_a_cancelled_return_is_recorded_as_unexpected(make_return, warehouse, operator):
    return_request = make_return(status=S.CANCELLED)
    result = arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    assert result.outcome == ScanOutcome.UNEXPECTED
    assert result.parcel.reason == UnexpectedReason.NOT_EXPECTED
    assert return_request.rma_number in result.parcel.note


def test_an_unexpected_parcel_is_matched_later_and_receives_the_return(make_return, warehouse, operator):
    parcel = arrival_register(code="TORN-LABEL", warehouse=warehouse, actor=operator).parcel
    return_request = make_return()
    arrival = unexpected_parcel_match(parcel=parcel, return_request=return_request, actor=operator)
    parcel.refresh_from_db()
    return_request.refresh_from_db()
    assert parcel.matched_return == return_request
    assert parcel.matched_by == operator
    assert arrival.scanned_code == "TORN-LABEL"
    assert return_request.status == S.RECEIVED
    with pytest.raises(Conflict) as excinfo:
        unexpected_parcel_match(parcel=parcel, return_request=return_request, actor=operator)
    assert excinfo.value.code == "parcel_already_matched"
    # The code is free again: a new scan opens a new record.
    assert arrival_register(code="TORN-LABEL", warehouse=warehouse, actor=operator).parcel.pk != parcel.pk


def test_matching_a_parcel_to_an_already_received_return_is_refused(make_return, warehouse, operator):
    return_request = make_return()
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    parcel = arrival_register(code="SOMETHING", warehouse=warehouse, actor=operator).parcel
    with pytest.raises(Conflict) as excinfo:
        unexpected_parcel_match(parcel=parcel, return_request=return_request, actor=operator)
    assert excinfo.value.code == "not_receivable"


def test_a_return_without_destination_is_adopted_by_the_warehouse_that_receives_it(make_return, warehouse, operator):
    return_request = make_return()
    ReturnRequest.objects.filter(pk=return_request.pk).update(destination_warehouse=None)
    assert arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator).outcome == "received"
    return_request.refresh_from_db()
    assert (return_request.destination_warehouse, return_request.status) == (warehouse, S.RECEIVED)
