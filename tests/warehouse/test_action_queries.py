"""The warehouse's actions (scan, match, inspect, confirm, release, note, receive and count cartons, finish, switch),
its reports, photos and whole lists cost a pinned number of statements, the same for a small case and a big one: a
statement more per request shows here, and one per line, unit, carton, count or row as a difference between the two."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnNote, ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment
from rma.warehouse.choices import Derogation, DispositionKind
from rma.warehouse.models import CartonReceipt, CountedItem, Disposition, Grade, Inspection, UnexpectedParcel
from rma.warehouse.services import (
    arrival_register,
    carton_count_add,
    carton_count_finish,
    carton_receive,
    disposition_confirm,
    disposition_suggest,
    inspection_record,
    shipment_receiving_finish,
)
from rma.warehouse.views.common import SESSION_WAREHOUSE
from tests.core.pictures import jpeg_with_gps
from tests.helpers import get_queries, queries_of
from tests.warehouse.test_refunds import inspect_all

pytestmark = pytest.mark.django_db
# Pinned, one per request; each is the same for the small case and the big one. Every warehouse page costs the
# request's savepoint and its release, the session, the user and the user's warehouses (5) before its own work.
SCAN_QUERIES = 19  # the return found by its code, its arrival, the status move, its event and customer email
UNEXPECTED_PAGE_QUERIES = 6  # the parcel, within the operator's warehouses
UNEXPECTED_MATCH_QUERIES = 27  # the parcel locked, the return found and in scope, then received as by a scan
INSPECTION_PHOTO_QUERIES = 5  # the savepoint pair, the session, the user, the photo in scope (no warehouse list)
UNIT_INSPECT_POST_QUERIES = 22  # the unit, its grades and checklist, the inspection written
UNIT_DISPOSITION_POST_QUERIES = 29  # the unit, the rules, the disposition, the return moved to inspected
REFUND_RELEASE_QUERIES = 32  # the return locked, its units and refund computed, the refund, event and messages
NOTE_ADD_QUERIES = 10  # the return in scope, the user's permissions, the note in its own savepoint
CARTON_RECEIVE_QUERIES = 18  # the shipment and its receiving (cartons, contents, receipts), locked, the receipt
CARTON_COUNT_QUERIES = 25  # the receiving, the code tried as a carton, return and SKU, the count written
CARTON_COUNT_REMOVE_QUERIES = 20
CARTON_FINISH_QUERIES = 21
SHIPMENT_FINISH_QUERIES = 33  # the receiving, then every discrepancy written at once and the shipment's status
DISCREPANCIES_REPORT_QUERIES = 8  # the shops shipping here, up to 500 rows, their totals by shop
DISCREPANCIES_CSV_QUERIES = 7  # the rows, read while the file streams
DESTROYED_REPORT_QUERIES = 7  # the units per category and derogation; the first rows with their line, order line,
# return, warehouse, grade and who confirmed
DESTROYED_CSV_QUERIES = 6
SWITCH_QUERIES = 8  # the session read, then written with the warehouse chosen
# A page of a whole list: its rows, with what they show, and what every warehouse page reads.
LIST_QUERIES = {"awaiting-refund": 7, "shipments": 6, "unexpected": 6}


@pytest.fixture
def web(client, operator):
    client.force_login(operator)
    return client


def grade(code: str) -> Grade:
    return Grade.objects.get(scale__category="apparel", code=code)


def received(make_return, warehouse, operator, **kwargs) -> ReturnRequest:
    """A return of `lines` lines, `quantity` units each, received at the dock."""
    return_request = make_return(**kwargs)
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    return_request.refresh_from_db()
    return return_request


def all_done_but_the_last(make_return, warehouse, operator, *, units: int):
    """A received return of `units` units of one line, every unit graded and disposed of but the last."""
    return_request = received(make_return, warehouse, operator, quantity=units)
    line = return_request.lines.get()
    for index in range(units - 1):
        inspection = inspection_record(return_line=line, unit_index=index, actor=operator, grade=grade("B"))
        disposition_confirm(inspection=inspection, actor=operator)
    return return_request, line


def inspected(make_return, warehouse, operator, *, lines: int) -> ReturnRequest:
    """A return of `lines` lines, every unit graded B and its disposition confirmed: its refund can be released."""
    return_request = received(make_return, warehouse, operator, lines=lines)
    inspect_all(return_request, operator, ["B"] * lines)
    assert return_request.status == ReturnStatus.INSPECTED
    return return_request


def destroyed(make_return, warehouse, operator, *, lines: int) -> ReturnRequest:
    """A received return of `lines` lines whose every unit is destroyed, with its legal derogation."""
    return_request = received(make_return, warehouse, operator, lines=lines)
    for line in return_request.lines.all():
        inspection = inspection_record(return_line=line, unit_index=0, actor=operator, grade=grade("D"))
        disposition_confirm(
            inspection=inspection,
            actor=operator,
            kind=DispositionKind.DESTROY,
            override_reason="Mould",
            derogation=Derogation.HEALTH_SAFETY,
            derogation_note="Mould inside",
        )
    return return_request


def shipment_of(make_shipment, shop_return, *, returns: int, skus: int, cartons: int = 1) -> Shipment:
    """A dispatched shipment: `returns` returns and `skus` SKUs (two units each) in its first carton, one SKU in each
    of the `cartons - 1` others."""
    first = [*[shop_return() for _ in range(returns)], *[(f"SKU-{index}", 2) for index in range(skus)]]
    return make_shipment(first, *[[(f"SKU-Z{index}", 1)] for index in range(cartons - 1)])


def counted(shipment: Shipment, warehouse, operator, *, entries: int) -> CartonReceipt:
    """The shipment's first carton received and `entries` counts made in it (its SKUs first, one unit each)."""
    carton = Carton.objects.get(shipment=shipment, position=1)
    receipt = carton_receive(carton=carton, warehouse=warehouse, actor=operator).receipt
    for index in range(entries):
        carton_count_add(receipt=receipt, code=f"SKU-{index}", actor=operator)
    return receipt


def counted_shipments(
    make_shipment, shop_return, warehouse, operator, *, entries: tuple[int, int], cartons: tuple[int, int] = (1, 3)
) -> tuple[Shipment, Shipment, Shipment]:
    """Three dispatched shipments with their first carton received and counted: one to warm what a first request
    caches and a small one (a return and a SKU, `entries[0]` counts, `cartons[0]` cartons), then a big one (four of
    each, `entries[1]` counts, `cartons[1]` cartons)."""
    made = []
    for size, count, carton_count in (
        (1, entries[0], cartons[0]),
        (1, entries[0], cartons[0]),
        (4, *entries[1:], cartons[1]),
    ):
        shipment = shipment_of(make_shipment, shop_return, returns=size, skus=size, cartons=carton_count)
        counted(shipment, warehouse, operator, entries=count)
        made.append(shipment)
    return made[0], made[1], made[2]


def unexpected(warehouse, operator, code: str) -> UnexpectedParcel:
    parcel = arrival_register(code=code, warehouse=warehouse, actor=operator).parcel
    assert parcel is not None
    return parcel


# ---- returns: scan, unexpected parcels, units, refund, notes, photos


def test_a_scan_at_the_dock_costs_the_same_for_a_return_of_one_line_or_five(web, make_return):
    def scan(return_request):
        count = queries_of(lambda: web.post(reverse("warehouse:scan"), {"code": return_request.rma_number}))
        assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.RECEIVED
        return count

    scan(make_return())  # a first request reads what is cached per user
    assert scan(make_return()) == scan(make_return(lines=5)) == SCAN_QUERIES


def test_an_unexpected_parcel_s_page_costs_a_fixed_number_of_queries(web, warehouse, operator):
    parcel = unexpected(warehouse, operator, "MYSTERY-1")
    assert get_queries(web, reverse("warehouse:unexpected", args=[parcel.pk]), warm=True) == UNEXPECTED_PAGE_QUERIES


def test_matching_an_unexpected_parcel_costs_the_same_for_a_return_of_one_line_or_five(
    web, make_return, warehouse, operator
):
    def match(code, return_request):
        parcel = unexpected(warehouse, operator, code)
        url = reverse("warehouse:unexpected", args=[parcel.pk])
        count = queries_of(lambda: web.post(url, {"code": return_request.rma_number}))
        parcel.refresh_from_db()
        assert parcel.matched_return == return_request
        assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.RECEIVED
        return count

    match("MYSTERY-1", make_return())
    assert match("MYSTERY-2", make_return()) == match("MYSTERY-3", make_return(lines=5)) == UNEXPECTED_MATCH_QUERIES


def test_an_inspection_photo_is_served_in_a_fixed_number_of_queries(web, make_return, warehouse, operator):
    return_request = received(make_return, warehouse, operator)
    inspection = inspection_record(
        return_line=return_request.lines.get(),
        unit_index=0,
        actor=operator,
        grade=grade("A"),
        photos=[SimpleUploadedFile(f"unit{index}.jpg", jpeg_with_gps()) for index in range(3)],
    )
    photo = inspection.photos.order_by("pk").last()
    url = reverse("warehouse:inspection-photo", kwargs={"public_id": return_request.public_id, "photo_id": photo.pk})
    assert get_queries(web, url, warm=True) == INSPECTION_PHOTO_QUERIES


def test_grading_and_disposing_of_the_last_unit_costs_the_same_for_one_unit_or_four(
    web, make_return, warehouse, operator
):
    def last_unit(units):
        return_request, line = all_done_but_the_last(make_return, warehouse, operator, units=units)
        args = [return_request.public_id, line.pk, units]
        inspect = queries_of(
            lambda: web.post(
                reverse("warehouse:unit-inspect", args=args), {"condition": "received", "grade": grade("A").pk}
            )
        )
        inspection = Inspection.objects.get(return_line=line, unit_index=units - 1)
        assert inspection.grade == grade("A")
        kind = disposition_suggest(inspection=inspection).kind
        disposition = queries_of(lambda: web.post(reverse("warehouse:unit-disposition", args=args), {"kind": kind}))
        assert Disposition.objects.get(inspection=inspection).kind == kind
        assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.INSPECTED
        return inspect, disposition

    last_unit(1)  # a first request reads what is cached per user
    assert last_unit(1) == last_unit(4) == (UNIT_INSPECT_POST_QUERIES, UNIT_DISPOSITION_POST_QUERIES)


def test_releasing_a_refund_costs_the_same_for_a_return_of_one_line_or_four(web, make_return, warehouse, operator):
    def release(return_request):
        url = reverse("warehouse:refund-release", args=[return_request.public_id])
        count = queries_of(lambda: web.post(url))
        assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.REFUNDED
        return count

    release(inspected(make_return, warehouse, operator, lines=1))
    small = release(inspected(make_return, warehouse, operator, lines=1))
    big = release(inspected(make_return, warehouse, operator, lines=4))
    assert small == big == REFUND_RELEASE_QUERIES


def test_adding_a_note_costs_the_same_for_the_first_or_the_sixth(web, make_return, warehouse, operator):
    return_request = received(make_return, warehouse, operator)
    url = reverse("warehouse:return-note-add", args=[return_request.public_id])

    def add(body):
        count = queries_of(lambda: web.post(url, {"body": body}))
        assert ReturnNote.objects.filter(return_request=return_request).order_by("pk").last().body == body
        return count

    add("Warm-up.")
    first = add("Parcel wet on arrival.")
    for index in range(4):
        add(f"Note {index}.")
    assert first == add("Photos taken.") == NOTE_ADD_QUERIES


# ---- shops' shipments: cartons received, counted, finished


def test_receiving_a_carton_costs_the_same_for_a_small_shipment_or_a_big_one(
    web, make_shipment, shop_return, warehouse
):
    def receive(shipment):
        url = reverse("warehouse:carton-receive", kwargs={"public_id": shipment.public_id, "position": 1})
        count = queries_of(lambda: web.post(url))
        assert CartonReceipt.objects.filter(shipment=shipment, carton__position=1).exists()
        return count

    receive(shipment_of(make_shipment, shop_return, returns=1, skus=1))
    small = receive(shipment_of(make_shipment, shop_return, returns=1, skus=1))
    big = receive(shipment_of(make_shipment, shop_return, returns=4, skus=3, cartons=3))
    assert small == big == CARTON_RECEIVE_QUERIES


def test_a_count_in_a_carton_costs_the_same_however_full_it_is(web, make_shipment, shop_return, warehouse, operator):
    def count_in(shipment, code):
        url = reverse("warehouse:carton", kwargs={"public_id": shipment.public_id, "position": 1})
        count = queries_of(lambda: web.post(url, {"code": code, "quantity": 1}))
        assert CountedItem.objects.filter(receipt__shipment=shipment, sku=code).exists()
        return count

    warm, small, big = counted_shipments(make_shipment, shop_return, warehouse, operator, entries=(0, 3))
    count_in(warm, "SKU-0")
    assert count_in(small, "SKU-0") == count_in(big, "SKU-3") == CARTON_COUNT_QUERIES


def test_taking_back_a_count_costs_the_same_however_full_the_carton(
    web, make_shipment, shop_return, warehouse, operator
):
    def remove(shipment):
        receipt = CartonReceipt.objects.get(shipment=shipment, carton__position=1)
        entry = CountedItem.objects.filter(receipt=receipt).order_by("pk").last()
        url = reverse(
            "warehouse:carton-count-remove",
            kwargs={"public_id": shipment.public_id, "position": 1, "entry_id": entry.pk},
        )
        count = queries_of(lambda: web.post(url))
        assert not CountedItem.objects.filter(pk=entry.pk).exists()
        return count

    warm, small, big = counted_shipments(make_shipment, shop_return, warehouse, operator, entries=(1, 4))
    remove(warm)  # a first request reads what is cached per user
    assert remove(small) == remove(big) == CARTON_COUNT_REMOVE_QUERIES


def test_closing_a_carton_s_count_costs_the_same_however_full_it_is(
    web, make_shipment, shop_return, warehouse, operator
):
    """The first of two cartons: the shipment is not finished by it."""

    def finish(shipment):
        url = reverse("warehouse:carton-finish", kwargs={"public_id": shipment.public_id, "position": 1})
        count = queries_of(lambda: web.post(url))
        assert CartonReceipt.objects.get(shipment=shipment, carton__position=1).counted_at is not None
        return count

    warm, small, big = counted_shipments(
        make_shipment, shop_return, warehouse, operator, entries=(1, 4), cartons=(2, 4)
    )
    finish(warm)
    assert finish(small) == finish(big) == CARTON_FINISH_QUERIES


def test_finishing_a_shipment_costs_the_same_for_a_small_shipment_or_a_big_one(
    web, make_shipment, shop_return, warehouse, operator
):
    """Its first carton counted and closed, the others missing: every discrepancy is written at once."""

    def finish(shipment):
        url = reverse("warehouse:shipment-finish", args=[shipment.public_id])
        count = queries_of(lambda: web.post(url))
        assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.RECEIVED_WITH_DISCREPANCIES
        return count

    def ready(**kwargs):
        shipment = shipment_of(make_shipment, shop_return, **kwargs)
        carton_count_finish(receipt=counted(shipment, warehouse, operator, entries=1), actor=operator)
        return shipment

    finish(ready(returns=1, skus=1, cartons=2))
    small = finish(ready(returns=1, skus=1, cartons=2))
    big = finish(ready(returns=4, skus=4, cartons=4))
    assert small == big == SHIPMENT_FINISH_QUERIES


# ---- reports, switching warehouse, whole lists


def _discrepancies(make_shipment, shop_return, warehouse, operator, *, shipments: int) -> None:
    """`shipments` shipments received short: one SKU counted of three announced, the second carton missing."""
    for _ in range(shipments):
        shipment = shipment_of(make_shipment, shop_return, returns=0, skus=3, cartons=2)
        carton_count_finish(receipt=counted(shipment, warehouse, operator, entries=1), actor=operator)
        shipment_receiving_finish(shipment=shipment, actor=operator)


def test_the_discrepancies_report_costs_the_same_for_one_shipment_or_four(
    web, make_shipment, shop_return, warehouse, operator
):
    url = reverse("warehouse:discrepancies-report")

    def measure():
        page = get_queries(web, url, warm=True)
        csv = get_queries(web, url + "?format=csv")
        return page, csv

    _discrepancies(make_shipment, shop_return, warehouse, operator, shipments=1)
    small = measure()
    _discrepancies(make_shipment, shop_return, warehouse, operator, shipments=3)
    big = measure()
    assert web.get(url + "?format=csv").content.decode().count("SKU-2") == 4
    assert small == big == (DISCREPANCIES_REPORT_QUERIES, DISCREPANCIES_CSV_QUERIES)


def test_the_destroyed_units_report_costs_the_same_for_one_unit_or_six(web, make_return, warehouse, operator):
    url = reverse("warehouse:destroyed-report")

    def measure():
        return get_queries(web, url, warm=True), get_queries(web, url + "?format=csv")

    destroyed(make_return, warehouse, operator, lines=1)
    small = measure()
    destroyed(make_return, warehouse, operator, lines=5)
    big = measure()
    assert web.get(url + "?format=csv").content.decode().count("health_safety") == 6
    assert small == big == (DESTROYED_REPORT_QUERIES, DESTROYED_CSV_QUERIES)


def test_switching_warehouse_costs_a_fixed_number_of_queries(web, operator, warehouse, other_warehouse):
    other_warehouse.staff.add(operator)
    url = reverse("warehouse:switch")
    queries_of(lambda: web.post(url, {"warehouse": other_warehouse.pk}))
    assert web.session[SESSION_WAREHOUSE] == other_warehouse.pk
    assert queries_of(lambda: web.post(url, {"warehouse": warehouse.pk})) == SWITCH_QUERIES
    assert web.session[SESSION_WAREHOUSE] == warehouse.pk


@pytest.mark.parametrize("name", ["awaiting-refund", "shipments", "unexpected"])
def test_each_whole_list_costs_the_same_for_one_row_or_four(
    web, name, make_return, make_shipment, shop_return, warehouse, operator
):
    def add_row(index):
        if name == "awaiting-refund":
            received(make_return, warehouse, operator, lines=2)
        elif name == "shipments":
            shipment_of(make_shipment, shop_return, returns=1, skus=1, cartons=2)
        else:
            unexpected(warehouse, operator, f"MYSTERY-{index}")

    url = reverse("warehouse:board-list", args=[name])
    add_row(0)
    small = get_queries(web, url, warm=True)
    for index in range(1, 4):
        add_row(index)
    response = web.get(url)
    assert "Rows 1 to 4" in response.content.decode()
    assert small == get_queries(web, url) == LIST_QUERIES[name]
