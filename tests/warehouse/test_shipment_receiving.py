"""Receiving a shop's shipment carton by carton: scans, counts, and the discrepancies the shop is told about."""

import pytest
from django.utils import translation

from rma.core.exceptions import Conflict, DomainError, InvalidTransition
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment
from rma.shipping.selectors import AnnouncedCarton, AnnouncedLine, ShipmentContents
from rma.warehouse.models import Arrival, CartonReceipt, CountedItem, Discrepancy, UnexpectedParcel
from rma.warehouse.services import (
    ScanOutcome,
    arrival_register,
    carton_count_add,
    carton_count_finish,
    carton_count_remove,
    carton_receive,
    count_code_parse,
    discrepancies_compute,
    shipment_receiving_finish,
)
from rma.warehouse.services.shipment_discrepancies import CartonCount, Finding

pytestmark = pytest.mark.django_db


def cartons_of(shipment):
    return list(Carton.objects.filter(shipment=shipment).order_by("position"))


def receive(carton, warehouse, operator):
    return carton_receive(carton=carton, warehouse=warehouse, actor=operator).receipt


def findings_of(shipment):
    shipment.refresh_from_db()
    return sorted((f["carton"][-2:], f["kind"], f["sku"], f["rma_number"], f["quantity"]) for f in shipment.findings)


# ---- scanning at the dock


def test_a_carton_label_receives_the_carton_once_and_tells_the_second_scanner(
    make_shipment, warehouse, operator, second_operator
):
    shipment = make_shipment([("SKU-A", 3)], [("SKU-B", 1)])
    first, second = cartons_of(shipment)
    Carton.objects.filter(pk=second.pk).update(tracking_number="6A00000000123")

    result = arrival_register(code=first.barcode.lower(), warehouse=warehouse, actor=operator)
    assert result.outcome == ScanOutcome.CARTON_RECEIVED
    assert (result.shipment, result.carton) == (shipment, first)
    assert result.message == f"Carton {first.barcode} of shipment {shipment.number} received: count what is in it."
    again = arrival_register(code=first.barcode, warehouse=warehouse, actor=second_operator)
    assert again.outcome == ScanOutcome.CARTON_ALREADY_RECEIVED
    assert f"Carton {first.barcode} was already received by Alice Martin on" in again.message
    assert CartonReceipt.objects.filter(carton=first).count() == 1
    # The carrier's tracking number on the second carton's label works too.
    by_tracking = arrival_register(code="6a 0000 0000 123", warehouse=warehouse, actor=operator)
    assert (by_tracking.outcome, by_tracking.carton) == (ScanOutcome.CARTON_RECEIVED, second)
    receipt = CartonReceipt.objects.get(carton=second)
    assert (receipt.warehouse, receipt.received_by, receipt.scanned_code) == (warehouse, operator, "6A00000000123")
    assert UnexpectedParcel.objects.count() == 0
    assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.DISPATCHED  # not received until counted


def test_a_shipment_number_opens_the_shipment_without_receiving_anything(make_shipment, warehouse, operator):
    shipment = make_shipment([("SKU-A", 1)], dispatch=False)  # closed: announced, not picked up yet
    result = arrival_register(code=shipment.number, warehouse=warehouse, actor=operator)
    assert result.outcome == ScanOutcome.SHIPMENT
    assert result.shipment == shipment
    assert result.message == f"Shipment {shipment.number}: scan the label of each carton."
    assert CartonReceipt.objects.count() == 0


def test_shipments_not_for_this_warehouse_or_still_open_are_unexpected(
    make_shipment, warehouse, other_warehouse, operator
):
    elsewhere = make_shipment([("SKU-A", 1)], warehouse=other_warehouse)
    result = arrival_register(code=cartons_of(elsewhere)[0].barcode, warehouse=warehouse, actor=operator)
    assert result.outcome == ScanOutcome.UNEXPECTED
    assert result.parcel.reason == "other_warehouse"
    assert "expected at another warehouse (WH-LYS Entrepôt Lyon)" in result.message
    still_open = make_shipment([("SKU-A", 1)], close=False)
    result = arrival_register(code=still_open.number, warehouse=warehouse, actor=operator)
    assert (result.outcome, result.parcel.reason) == (ScanOutcome.UNEXPECTED, "not_expected")
    assert CartonReceipt.objects.count() == 0


# ---- counting


def test_counting_a_return_receives_it_in_its_carton_once(
    make_shipment, shop_return, warehouse, operator, other_warehouse
):
    announced = shop_return(quantity=2)
    # The shop's return was first headed elsewhere: it follows its shipment to this warehouse.
    ReturnRequest.objects.filter(pk=announced.pk).update(destination_warehouse=other_warehouse)
    shipment = make_shipment([announced, ("SKU-A", 1)])
    receipt = receive(cartons_of(shipment)[0], warehouse, operator)

    result = carton_count_add(receipt=receipt, code=announced.rma_number, actor=operator)

    assert result.received is True
    assert result.message == f"Return {announced.rma_number} received in carton {receipt.carton.barcode}."
    announced.refresh_from_db()
    assert (announced.status, announced.destination_warehouse) == (S.RECEIVED, warehouse)
    arrival = Arrival.objects.get(return_request=announced)
    assert (arrival.shipment, arrival.carton, arrival.received_by) == (shipment, receipt.carton, operator)
    assert announced.events.filter(to_status=S.RECEIVED).get().note == (
        f"Received in carton {receipt.carton.barcode} of shipment {shipment.number}."
    )
    with pytest.raises(Conflict) as exc:
        carton_count_add(receipt=receipt, code=announced.rma_number, actor=operator)
    assert exc.value.code == "return_already_counted"
    assert CountedItem.objects.filter(return_request=announced).count() == 1


def test_counting_skus_with_quantities_and_refusing_labels_and_bad_quantities(make_shipment, warehouse, operator):
    shipment = make_shipment([("SKU-A", 5)], [("SKU-B", 1)])
    first, second = cartons_of(shipment)
    receipt = receive(first, warehouse, operator)

    assert carton_count_add(receipt=receipt, code="sku-a", actor=operator).message == (
        f"1 × SKU-A counted in carton {first.barcode} (1 in all)."
    )
    assert carton_count_add(receipt=receipt, code="3*SKU-A", actor=operator).entry.quantity == 3
    assert carton_count_add(receipt=receipt, code="SKU-A", quantity=2, actor=operator).message.endswith("(6 in all).")
    for code, quantity, error in [
        ("", 1, "code_required"),
        (second.barcode, 1, "carton_label"),
        (shipment.number, 1, "carton_label"),
        ("SKU-A", 0, "invalid_quantity"),
        ("SKU-A", 10_000, "invalid_quantity"),
        ("X" * 65, 1, "invalid_sku"),
    ]:
        with pytest.raises(DomainError) as exc:
            carton_count_add(receipt=receipt, code=code, quantity=quantity, actor=operator)
        assert exc.value.code == error, code
    assert count_code_parse("12*SKU-1") == (12, "SKU-1")
    assert count_code_parse("SKU*1") == (None, "SKU*1")


def test_a_mistaken_count_can_be_taken_back_until_the_carton_is_counted(make_shipment, warehouse, operator):
    shipment = make_shipment([("SKU-A", 1)], [("SKU-B", 1)])
    receipt = receive(cartons_of(shipment)[0], warehouse, operator)
    entry = carton_count_add(receipt=receipt, code="SKU-Z", quantity=4, actor=operator).entry
    assert carton_count_remove(entry=entry, actor=operator) == "Count of 4 × SKU-Z removed."
    with pytest.raises(Conflict):
        carton_count_remove(entry=entry, actor=operator)
    kept = carton_count_add(receipt=receipt, code="SKU-A", actor=operator).entry
    carton_count_finish(receipt=receipt, actor=operator)
    with pytest.raises(Conflict) as exc:
        carton_count_remove(entry=kept, actor=operator)
    assert exc.value.code == "carton_already_counted"
    assert "already counted by Alice Martin" in exc.value.message


# ---- finishing and the discrepancies


def test_a_shipment_counted_as_announced_is_received_without_findings(make_shipment, shop_return, warehouse, operator):
    announced = shop_return()
    shipment = make_shipment([announced, ("SKU-A", 2)], [("SKU-B", 1, "damaged")])
    first, second = cartons_of(shipment)
    receipt = receive(first, warehouse, operator)
    carton_count_add(receipt=receipt, code=announced.rma_number, actor=operator)
    carton_count_add(receipt=receipt, code="SKU-A", quantity=2, actor=operator)
    assert carton_count_finish(receipt=receipt, actor=operator).shipment_received is False
    receipt = receive(second, warehouse, operator)
    carton_count_add(receipt=receipt, code="SKU-B", actor=operator)

    result = carton_count_finish(receipt=receipt, actor=operator)

    assert result.shipment_received is True
    assert result.message == f"Carton {second.barcode} counted. Shipment {shipment.number} received as announced."
    shipment.refresh_from_db()
    assert (shipment.status, shipment.findings) == (ShipmentStatus.RECEIVED, [])
    assert shipment.received_at is not None
    assert Discrepancy.objects.count() == 0


def test_missing_extra_and_wrong_items_become_discrepancies_the_shop_sees(
    make_shipment, shop_return, warehouse, operator
):
    in_first, in_second, unannounced = shop_return(), shop_return(quantity=2), shop_return()
    shipment = make_shipment([in_first, ("SKU-A", 3)], [in_second, ("SKU-B", 2)])
    first, second = cartons_of(shipment)
    receipt = receive(first, warehouse, operator)
    carton_count_add(receipt=receipt, code=in_second.rma_number, actor=operator)  # packed in the wrong carton
    carton_count_add(receipt=receipt, code="SKU-A", quantity=2, actor=operator)
    carton_count_add(receipt=receipt, code="SKU-X", actor=operator)  # instead of the third SKU-A
    carton_count_finish(receipt=receipt, actor=operator)
    receipt = receive(second, warehouse, operator)
    carton_count_add(receipt=receipt, code="SKU-B", quantity=3, actor=operator)
    carton_count_add(receipt=receipt, code=unannounced.rma_number, actor=operator, damaged=True)

    carton_count_finish(receipt=receipt, actor=operator)

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RECEIVED_WITH_DISCREPANCIES
    assert findings_of(shipment) == sorted(
        [
            ("01", "missing", "", in_first.rma_number, 1),
            ("01", "wrong_item", "", in_second.rma_number, 2),
            ("01", "wrong_item", "SKU-X", "", 1),
            ("02", "extra", "SKU-B", "", 1),
            ("02", "extra", "", unannounced.rma_number, 1),
            ("02", "damaged", "", unannounced.rma_number, 1),
        ]
    )
    notes = {(f["kind"], f["sku"] or f["rma_number"]): f["note"] for f in shipment.findings}
    assert notes[("wrong_item", "SKU-X")] == "SKU-X found instead of SKU-A."
    assert notes[("wrong_item", in_second.rma_number)] == f"Return announced in carton {second.barcode}."
    assert notes[("extra", "SKU-B")] == "Announced 2, found 3."
    rows = Discrepancy.objects.filter(shipment=shipment)
    assert rows.count() == 6
    assert {(row.warehouse, row.created_by) for row in rows} == {(warehouse, operator)}
    # Both returns found were received and go on to inspection; the one missing is still on its way.
    assert ReturnRequest.objects.get(pk=in_second.pk).status == S.RECEIVED
    assert ReturnRequest.objects.get(pk=unannounced.pk).status == S.RECEIVED
    assert ReturnRequest.objects.get(pk=in_first.pk).status == S.IN_TRANSIT


def test_finishing_with_a_carton_missing_reports_the_carton(make_shipment, shop_return, warehouse, operator):
    lost = shop_return()
    shipment = make_shipment([("SKU-A", 2)], [lost, ("SKU-B", 4)])
    first, second = cartons_of(shipment)
    with pytest.raises(DomainError) as exc:
        shipment_receiving_finish(shipment=shipment, actor=operator)
    assert exc.value.code == "nothing_received"
    receipt = receive(first, warehouse, operator)
    carton_count_add(receipt=receipt, code="SKU-A", quantity=2, actor=operator)
    with pytest.raises(Conflict) as exc:
        shipment_receiving_finish(shipment=shipment, actor=operator)
    assert exc.value.code == "carton_count_open"
    carton_count_finish(receipt=receipt, actor=operator)

    discrepancies = shipment_receiving_finish(shipment=shipment, actor=operator)

    assert [(d.kind, d.carton, d.expected_quantity, d.quantity) for d in discrepancies] == [("missing", second, 5, 5)]
    assert discrepancies[0].note == "Carton not received (5 units announced)."
    assert findings_of(shipment) == [("02", "missing", "", "", 5)]
    assert ReturnRequest.objects.get(pk=lost.pk).status == S.IN_TRANSIT
    with pytest.raises(Conflict) as exc:
        shipment_receiving_finish(shipment=shipment, actor=operator)
    assert exc.value.code == "shipment_already_received"
    # The missing carton turns up later: kept aside as an unexpected parcel, the shipment stays as it was.
    late = arrival_register(code=second.barcode, warehouse=warehouse, actor=operator)
    assert (late.outcome, late.parcel.reason) == (ScanOutcome.UNEXPECTED, "not_expected")
    assert not CartonReceipt.objects.filter(carton=second).exists()


def test_the_findings_notes_are_in_the_sites_language_whoever_receives(settings, make_shipment, warehouse, operator):
    shipment = make_shipment([("SKU-A", 2)])
    receipt = receive(cartons_of(shipment)[0], warehouse, operator)
    carton_count_add(receipt=receipt, code="SKU-A", actor=operator)
    settings.LANGUAGE_CODE = "fr"
    with translation.override("en"):
        carton_count_finish(receipt=receipt, actor=operator)
    assert Shipment.objects.get(pk=shipment.pk).findings[0]["note"] == "Annoncé\u00a0: 2, trouvé\u00a0: 1."
    discrepancy = Discrepancy.objects.get()
    with translation.override("en"):
        assert discrepancy.description == "Announced 2, found 1."


def test_a_received_shipment_can_no_longer_be_counted(make_shipment, warehouse, operator):
    shipment = make_shipment([("SKU-A", 1)])
    receipt = receive(cartons_of(shipment)[0], warehouse, operator)
    carton_count_finish(receipt=receipt, actor=operator)
    with pytest.raises(Conflict) as exc:
        carton_count_add(receipt=receipt, code="SKU-A", actor=operator)
    assert exc.value.code == "carton_already_counted"
    with pytest.raises(Conflict) as exc:
        carton_count_finish(receipt=receipt, actor=operator)
    assert exc.value.code == "carton_already_counted"
    assert findings_of(shipment) == [("01", "missing", "SKU-A", "", 1)]


def test_an_open_shipment_cannot_be_received(make_shipment, warehouse, operator):
    shipment = make_shipment([("SKU-A", 1)], close=False)
    with pytest.raises(InvalidTransition):
        carton_receive(carton=cartons_of(shipment)[0], warehouse=warehouse, actor=operator)


# ---- the comparison rules, without a database


def contents(*cartons):
    return ShipmentContents(
        number="SH-1",
        public_id="x",
        status="dispatched",
        store_code="PAR01",
        store_name="Rivoli",
        warehouse_code="WH",
        warehouse_name="WH",
        cartons=[
            AnnouncedCarton(barcode=f"C{index}", position=index, weight_grams=None, tracking_number="", lines=lines)
            for index, lines in enumerate(cartons, start=1)
        ],
    )


def sku(code, quantity):
    return AnnouncedLine(kind="unsold", sku=code, name="", quantity=quantity)


def rma(number, code="SKU-R", quantity=1):
    return AnnouncedLine(kind="customer_return", sku=code, name="", quantity=quantity, rma_number=number)


@pytest.mark.django_db(databases=[])
def test_substitutions_pair_unit_for_unit_and_the_rest_is_missing_or_extra():
    announced = contents([sku("A", 3), sku("B", 1)])
    counted = {"C1": CartonCount("C1", skus={"X": 2, "B": 1, "A": 0})}
    assert discrepancies_compute(contents=announced, counts=counted) == [
        Finding("wrong_item", "C1", 2, sku="X", expected_sku="A", expected_quantity=2, found_quantity=2),
        Finding("missing", "C1", 1, sku="A", expected_quantity=3, found_quantity=0),
    ]
    counted = {"C1": CartonCount("C1", skus={"A": 3, "B": 1, "X": 4})}
    assert discrepancies_compute(contents=announced, counts=counted) == [
        Finding("extra", "C1", 4, sku="X", found_quantity=4)
    ]


@pytest.mark.django_db(databases=[])
def test_returns_are_compared_across_the_cartons_of_the_shipment():
    announced = contents([rma("R-1", quantity=2), rma("R-1", "SKU-S"), rma("R-2")], [rma("R-3")])
    counted = {"C1": CartonCount("C1", returns=["R-3"]), "C2": CartonCount("C2", returns=["R-1", "R-9"])}
    assert discrepancies_compute(
        contents=announced, counts=counted, already_received={"R-2"}, return_units={"R-9": 4}
    ) == [
        Finding("wrong_item", "C1", 1, rma_number="R-3", announced_carton="C2", expected_quantity=1, found_quantity=1),
        Finding("wrong_item", "C2", 3, rma_number="R-1", announced_carton="C1", expected_quantity=3, found_quantity=3),
        Finding("extra", "C2", 4, rma_number="R-9", found_quantity=4),
    ]
    # Nothing counted and the second carton never came.
    assert discrepancies_compute(contents=announced, counts={"C1": CartonCount("C1")}) == [
        Finding("missing", "C1", 3, rma_number="R-1", expected_quantity=3),
        Finding("missing", "C1", 1, rma_number="R-2", expected_quantity=1),
        Finding("missing", "C2", 1, expected_quantity=1),
    ]
