"""The warehouse API's actions (inspect, confirm, release, match, receive and count cartons, finish) and its lists
and reports cost a pinned number of statements, the same for a small case and a big one: a statement more per call
shows here, and one per line, unit, carton, count or row as a difference between the two."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Shipment
from rma.warehouse.models import CartonReceipt, CountedItem, Disposition, Inspection
from rma.warehouse.services import carton_count_finish, shipment_receiving_finish
from tests.conftest import client_for
from tests.helpers import get_queries, queries_of
from tests.warehouse.test_action_queries import (
    all_done_but_the_last,
    counted,
    counted_shipments,
    destroyed,
    inspected,
    shipment_of,
    unexpected,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/warehouse"
# Pinned, one per call; each is the same for the small case and the big one. Every call costs the request's
# savepoint and its release, the token with its user and the user's warehouses (4) before its own work.
UNIT_INSPECT_QUERIES = 23  # the return in scope, the unit, its grade scale and grade, the inspection, the unit again
UNIT_DISPOSITION_QUERIES = 26  # the unit, the rules, the disposition, the return moved to inspected, its status
REFUND_RELEASE_QUERIES = 30  # the return locked, its units and refund computed, the refund, event and messages
UNEXPECTED_LIST_QUERIES = 5  # a page of parcels with their warehouse and match
UNEXPECTED_MATCH_QUERIES = 28  # the parcel locked, the return found and in scope, received, the parcel read back
SHIPMENTS_EXPECTED_QUERIES = 5  # a page of shipments with their shop and their cartons counted
CARTON_RECEIVE_QUERIES = 23  # the receiving (cartons, contents, receipts), locked, the receipt, the carton again
CARTON_COUNT_QUERIES = 28  # the receiving, the code tried as a carton, return and SKU, the count, the carton again
CARTON_COUNT_REMOVE_QUERIES = 25
CARTON_FINISH_QUERIES = 26
SHIPMENT_FINISH_QUERIES = 39  # the discrepancies written at once, then the receiving read again with them
DISCREPANCY_REPORT_QUERIES = 5  # a page of discrepancies with their shipment, shop, warehouse, carton and author
DISCREPANCY_CSV_QUERIES = 5  # the same rows, read while the file streams
DESTROYED_REPORT_QUERIES = 5  # a page of dispositions with their line, order line, return, grade and author


@pytest.fixture
def api(operator):
    return client_for(operator)


def carton_api(shipment, what: str) -> str:
    return f"{API}/shipments/{shipment.public_id}/cartons/1/{what}/"


# ---- returns: units, refund, unexpected parcels


def test_grading_and_disposing_of_the_last_unit_costs_the_same_for_one_unit_or_four(
    api, make_return, warehouse, operator
):
    def last_unit(units):
        return_request, line = all_done_but_the_last(make_return, warehouse, operator, units=units)
        url = f"{API}/returns/{return_request.public_id}/units"
        unit = {"line_id": line.pk, "unit": units}
        inspect = queries_of(lambda: api.post(f"{url}/inspect/", {**unit, "grade": "A"}, format="json"))
        inspection = Inspection.objects.get(return_line=line, unit_index=units - 1)
        assert inspection.grade.code == "A"
        disposition = queries_of(lambda: api.post(f"{url}/disposition/", unit, format="json"))
        assert Disposition.objects.filter(inspection=inspection).exists()
        assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.INSPECTED
        return inspect, disposition

    last_unit(1)  # a first call reads what is cached per user
    assert last_unit(1) == last_unit(4) == (UNIT_INSPECT_QUERIES, UNIT_DISPOSITION_QUERIES)


def test_releasing_a_refund_costs_the_same_for_a_return_of_one_line_or_four(api, make_return, warehouse, operator):
    def release(return_request):
        count = queries_of(lambda: api.post(f"{API}/returns/{return_request.public_id}/refund/release/"))
        assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.REFUNDED
        return count

    release(inspected(make_return, warehouse, operator, lines=1))
    small = release(inspected(make_return, warehouse, operator, lines=1))
    big = release(inspected(make_return, warehouse, operator, lines=4))
    assert small == big == REFUND_RELEASE_QUERIES


def test_the_unexpected_parcels_cost_the_same_for_one_or_five(api, warehouse, operator):
    url = f"{API}/unexpected-parcels/"
    unexpected(warehouse, operator, "MYSTERY-0")
    small = get_queries(api, url, warm=True)
    for index in range(1, 5):
        unexpected(warehouse, operator, f"MYSTERY-{index}")
    assert len(api.get(url).json()["results"]) == 5
    assert small == get_queries(api, url) == UNEXPECTED_LIST_QUERIES


def test_matching_an_unexpected_parcel_costs_the_same_for_a_return_of_one_line_or_five(
    api, make_return, warehouse, operator
):
    def match(code, return_request):
        parcel = unexpected(warehouse, operator, code)
        url = f"{API}/unexpected-parcels/{parcel.pk}/match/"
        count = queries_of(lambda: api.post(url, {"code": return_request.rma_number}, format="json"))
        parcel.refresh_from_db()
        assert parcel.matched_return == return_request
        assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.RECEIVED
        return count

    match("MYSTERY-1", make_return())
    assert match("MYSTERY-2", make_return()) == match("MYSTERY-3", make_return(lines=5)) == UNEXPECTED_MATCH_QUERIES


# ---- shops' shipments: expected, cartons received, counted, finished


def test_the_expected_shipments_cost_the_same_for_one_or_four(api, make_shipment, shop_return):
    url = f"{API}/shipments/expected/"
    shipment_of(make_shipment, shop_return, returns=1, skus=1)
    small = get_queries(api, url, warm=True)
    for _ in range(3):
        shipment_of(make_shipment, shop_return, returns=2, skus=2, cartons=3)
    assert len(api.get(url).json()["results"]) == 4
    assert small == get_queries(api, url) == SHIPMENTS_EXPECTED_QUERIES


def test_receiving_a_carton_costs_the_same_for_a_small_shipment_or_a_big_one(api, make_shipment, shop_return):
    def receive(shipment):
        count = queries_of(lambda: api.post(carton_api(shipment, "receive")))
        assert CartonReceipt.objects.filter(shipment=shipment, carton__position=1).exists()
        return count

    receive(shipment_of(make_shipment, shop_return, returns=1, skus=1))
    small = receive(shipment_of(make_shipment, shop_return, returns=1, skus=1))
    big = receive(shipment_of(make_shipment, shop_return, returns=4, skus=3, cartons=3))
    assert small == big == CARTON_RECEIVE_QUERIES


def test_a_count_in_a_carton_costs_the_same_however_full_it_is(api, make_shipment, shop_return, warehouse, operator):
    def count_in(shipment, code):
        with CaptureQueriesContext(connection) as queries:
            response = api.post(carton_api(shipment, "count"), {"code": code}, format="json")
        assert response.status_code == 201, response.content
        assert CountedItem.objects.filter(receipt__shipment=shipment, sku=code).exists()
        return len(queries)

    warm, small, big = counted_shipments(make_shipment, shop_return, warehouse, operator, entries=(0, 3))
    count_in(warm, "SKU-0")
    assert count_in(small, "SKU-0") == count_in(big, "SKU-3") == CARTON_COUNT_QUERIES


def test_taking_back_a_count_costs_the_same_however_full_the_carton(
    api, make_shipment, shop_return, warehouse, operator
):
    def remove(shipment):
        entry = CountedItem.objects.filter(receipt__shipment=shipment).order_by("pk").last()
        count = queries_of(lambda: api.post(carton_api(shipment, f"counts/{entry.pk}/remove")))
        assert not CountedItem.objects.filter(pk=entry.pk).exists()
        return count

    warm, small, big = counted_shipments(make_shipment, shop_return, warehouse, operator, entries=(1, 4))
    remove(warm)
    assert remove(small) == remove(big) == CARTON_COUNT_REMOVE_QUERIES


def test_closing_a_carton_s_count_costs_the_same_however_full_it_is(
    api, make_shipment, shop_return, warehouse, operator
):
    """The first of two cartons or more: the shipment is not finished by it."""

    def finish(shipment):
        response = None

        def call():
            nonlocal response
            response = api.post(carton_api(shipment, "finish"))
            return response

        count = queries_of(call)
        assert response.json()["shipment_received"] is False
        assert CartonReceipt.objects.get(shipment=shipment, carton__position=1).counted_at is not None
        return count

    warm, small, big = counted_shipments(
        make_shipment, shop_return, warehouse, operator, entries=(1, 4), cartons=(2, 4)
    )
    finish(warm)
    assert finish(small) == finish(big) == CARTON_FINISH_QUERIES


def test_finishing_a_shipment_costs_the_same_for_a_small_shipment_or_a_big_one(
    api, make_shipment, shop_return, warehouse, operator
):
    """Its first carton counted and closed, the others missing: every discrepancy is written at once."""

    def finish(shipment):
        count = queries_of(lambda: api.post(f"{API}/shipments/{shipment.public_id}/finish/"))
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


# ---- reports


def test_the_discrepancy_report_costs_the_same_for_one_shipment_or_four(
    api, make_shipment, shop_return, warehouse, operator
):
    url = f"{API}/reports/discrepancies/"

    def add(shipments):
        for _ in range(shipments):
            shipment = shipment_of(make_shipment, shop_return, returns=0, skus=3, cartons=2)
            carton_count_finish(receipt=counted(shipment, warehouse, operator, entries=1), actor=operator)
            shipment_receiving_finish(shipment=shipment, actor=operator)

    def measure():
        return get_queries(api, url, warm=True), get_queries(api, url + "?format=csv")

    add(1)
    small = measure()
    add(3)
    big = measure()
    assert api.get(url + "?format=csv").content.decode().count("SKU-2") == 4
    assert small == big == (DISCREPANCY_REPORT_QUERIES, DISCREPANCY_CSV_QUERIES)


def test_the_destroyed_units_report_costs_the_same_for_one_unit_or_six(api, make_return, warehouse, operator):
    url = f"{API}/reports/destroyed/"
    destroyed(make_return, warehouse, operator, lines=1)
    small = get_queries(api, url, warm=True)
    destroyed(make_return, warehouse, operator, lines=5)
    assert len(api.get(url).json()["results"]) == 6
    assert small == get_queries(api, url) == DESTROYED_REPORT_QUERIES
