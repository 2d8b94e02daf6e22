"""The shop API's actions and files cost a fixed number of statements, whatever a return's lines, an order's lines or
a shipment's cartons and items: each number is pinned, so a statement more per call shows here, and one per row shows
as a difference between the small and the big case. Each call also asserts what it did, so a pin cannot pass on an
endpoint that silently stopped working. Calls authenticate with a token, as integrators do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment, ShipmentItem
from tests.conftest import client_for
from tests.orders.factories import OrderLineFactory
from tests.store.test_action_queries import assert_moved_in_transit, closed, small_and_big, to_dispatch

pytestmark = pytest.mark.django_db

API = "/api/v1/store"
# Pinned, one per endpoint. Every call opens with its savepoint and the token with its user and roles (one prepared
# statement), and ends releasing the savepoint; most then read the user's shops.
STORE_LIST_QUERIES = 4  # + the user's shops with their default warehouses
COUNTER_SCAN_QUERIES = 8  # + the shops, the return found by its code, its lines, whether it is the shop's
RETURN_CHECK_QUERIES = 31  # the return and lines, the checks in bulk, the status change, emails, the return read back
RECEIPT_QUERIES = 5  # + the return, its lines with their checks
RETURN_START_QUERIES = 30  # the order, its eligibility, the return and its lines in bulk, approval, its label, emails
SHIPMENT_OPEN_QUERIES = 15  # the warehouse, the shop's next number, the shipment, the shipment read back
WAREHOUSE_QUERIES = 17  # the shipment with its cartons and items, the warehouse, the lock, the change, read back
CARTON_ADD_QUERIES = 12  # the shipment with its cartons and items, the lock, the next position, the carton
CARTON_WEIGHT_QUERIES = 15  # the shipment with its cartons and items, the carton, the lock, the weight, its items
CARTON_REMOVE_QUERIES = 17  # the shipment with its cartons and items, the carton, the lock, emptiness, the removal
ITEM_ADD_RETURN_QUERIES = 18  # the shipment, the carton, the return found by its code, the lock, the item
ITEM_ADD_LOOSE_QUERIES = 13  # the shipment with its cartons and items, the carton, the lock, the item
ITEM_REMOVE_QUERIES = 13  # the shipment with its cartons and items, the item, the lock, the removal
CLOSE_QUERIES = 27  # the lock, cartons and items filled, the change, the notice's contents, webhook, email, read back
DISPATCH_QUERIES = 33  # as closing, and its returns moved in transit together (see the dispatch test)
# The barcode label is drawn now (the carton's rank in the shipment); the carrier's labels are read from storage.
CARTON_FILE_QUERIES = {"barcode.pdf": 10, "label.pdf": 7, "label.zpl": 7}
MANIFEST_QUERIES = 6  # the shipment with its cartons and items (the file is read from storage)


@pytest.fixture
def api(clerk):
    return client_for(clerk)


def called(send, url, data=None, status=200):
    """The statements of one call `send(url, data)` (answered with `status`, a file read to its end), the response."""
    with CaptureQueriesContext(connection) as queries:
        response = send(url) if data is None else send(url, data, format="json")
        assert response.status_code == status, (response.status_code, getattr(response, "data", None))
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries), response


# ---- the counter


def test_listing_one_s_shops_costs_the_same_for_one_shop_or_two(api, clerk, other_store):
    small, response = called(api.get, f"{API}/stores/")
    assert [shop["code"] for shop in response.json()] == ["PAR01"]
    other_store.staff.add(clerk)
    big, response = called(api.get, f"{API}/stores/")
    assert [shop["code"] for shop in response.json()] == ["LYO01", "PAR01"]
    assert small == big == STORE_LIST_QUERIES


def test_a_counter_scan_costs_the_same_for_one_line_or_four(api, make_return):
    one, four = make_return(), make_return(lines=4)
    small, response = called(api.post, f"{API}/counter/scan/", {"code": one.rma_number})
    assert response.json()["rma_number"] == one.rma_number
    big, response = called(api.post, f"{API}/counter/scan/", {"code": four.rma_number})
    assert len(response.json()["lines"]) == 4
    assert small == big == COUNTER_SCAN_QUERIES


def test_checking_a_return_costs_the_same_for_one_line_or_four(api, make_return):
    def check(return_request):
        lines = [{"line_id": line.pk, "condition": "good", "accepted": True} for line in return_request.lines.all()]
        count, response = called(api.post, f"{API}/returns/{return_request.public_id}/check/", {"lines": lines})
        assert response.json()["accepted_units"] == len(lines)
        assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.IN_TRANSIT
        return count

    check(make_return())  # a first check of the process
    small, big = check(make_return()), check(make_return(lines=4))
    assert small == big == RETURN_CHECK_QUERIES


def test_the_receipt_costs_the_same_for_one_line_or_four(api, make_return, hand_in):
    one, four = hand_in(make_return()), hand_in(make_return(lines=4))
    small, response = called(api.get, f"{API}/returns/{one.public_id}/receipt/?size=a4")
    assert response.content.startswith(b"%PDF")
    big, response = called(api.get, f"{API}/returns/{four.public_id}/receipt/?size=80mm")
    assert response.content.startswith(b"%PDF")
    assert small == big == RECEIPT_QUERIES


def test_starting_a_return_costs_the_same_for_one_line_or_four(api, store, reason, policy):
    def start(number, lines):
        order = OrderLineFactory(order__number=number, order__customer_email="a@example.fr", sku=f"{number}-0").order
        for index in range(1, lines):
            OrderLineFactory(order=order, sku=f"{number}-{index}")
        payload = {
            "order_number": number,
            "email_or_postcode": "a@example.fr",
            "lines": [{"sku": line.sku, "quantity": 1, "reason": reason.code} for line in order.lines.all()],
        }
        count, response = called(api.post, f"{API}/counter/returns/", payload, 201)
        created = ReturnRequest.objects.get(order=order)
        assert (response.json()["rma_number"], created.store, created.lines.count()) == (
            created.rma_number,
            store,
            lines,
        )
        return count

    start("ML2000", 1)  # the first label of a process also reads the carrier accounts
    small, big = start("ML2001", 1), start("ML2004", 4)
    assert small == big == RETURN_START_QUERIES


# ---- shipments


def test_opening_a_shipment_costs_a_fixed_number_of_statements(api, store):
    called(api.post, f"{API}/shipments/", {}, 201)
    count, response = called(api.post, f"{API}/shipments/", {"warehouse": "WH-IDF"}, 201)
    assert response.json()["number"] == "SH-PAR01-000002"
    assert Shipment.objects.filter(store=store).count() == 2
    assert count == SHIPMENT_OPEN_QUERIES


def test_changing_a_shipment_s_warehouse_costs_the_same_however_full_it_is(
    api, store, clerk, make_return, other_warehouse
):
    counts = []
    for shipment in small_and_big(store, clerk, make_return):
        url = f"{API}/shipments/{shipment.public_id}/warehouse/"
        count, response = called(api.post, url, {"warehouse": "WH-LYS"})
        assert response.json()["warehouse"] == "WH-LYS"
        assert Shipment.objects.get(pk=shipment.pk).warehouse == other_warehouse
        counts.append(count)
    assert counts[0] == counts[1] == WAREHOUSE_QUERIES


def test_adding_a_carton_costs_the_same_however_full_the_shipment_is(api, store, clerk, make_return):
    counts = []
    for shipment in small_and_big(store, clerk, make_return):
        before = shipment.cartons.count()
        count, response = called(api.post, f"{API}/shipments/{shipment.public_id}/cartons/", None, 201)
        assert response.json()["position"] == before + 1
        assert shipment.cartons.count() == before + 1
        counts.append(count)
    assert counts[0] == counts[1] == CARTON_ADD_QUERIES


def test_weighing_a_carton_costs_the_same_however_full_the_shipment_is(api, store, clerk, make_return):
    counts = []
    for shipment in small_and_big(store, clerk, make_return):
        url = f"{API}/shipments/{shipment.public_id}/cartons/1/weight/"
        count, response = called(api.post, url, {"weight_grams": 3100})
        assert response.json()["weight_grams"] == 3100
        assert Carton.objects.get(shipment=shipment, position=1).weight_grams == 3100
        counts.append(count)
    assert counts[0] == counts[1] == CARTON_WEIGHT_QUERIES


def test_removing_an_empty_carton_costs_the_same_however_full_the_shipment_is(api, store, clerk, make_return):
    from rma.shipping.services.shipments import carton_add

    counts = []
    for shipment in small_and_big(store, clerk, make_return):
        empty = carton_add(shipment=shipment, actor=clerk)
        url = f"{API}/shipments/{shipment.public_id}/cartons/{empty.position}/remove/"
        count, _ = called(api.post, url, None, 204)
        assert not Carton.objects.filter(pk=empty.pk).exists()
        counts.append(count)
    assert counts[0] == counts[1] == CARTON_REMOVE_QUERIES


def test_scanning_a_return_into_a_carton_costs_the_same_however_full_it_is(api, store, clerk, make_return):
    counts = []
    for shipment in small_and_big(store, clerk, make_return):
        code = make_return(lines=2).rma_number
        url = f"{API}/shipments/{shipment.public_id}/items/"
        count, response = called(api.post, url, {"carton": 1, "code": code}, 201)
        assert response.json()["item"]["rma_number"] == code
        counts.append(count)
    assert counts[0] == counts[1] == ITEM_ADD_RETURN_QUERIES


def test_adding_loose_items_costs_the_same_however_full_the_shipment_is(api, store, clerk, make_return):
    counts = []
    for shipment in small_and_big(store, clerk, make_return):
        url = f"{API}/shipments/{shipment.public_id}/items/"
        payload = {"carton": 1, "sku": "SKU-NEW", "quantity": 2, "kind": "damaged"}
        count, _ = called(api.post, url, payload, 201)
        assert ShipmentItem.objects.filter(shipment=shipment, sku="SKU-NEW", quantity=2).exists()
        counts.append(count)
    assert counts[0] == counts[1] == ITEM_ADD_LOOSE_QUERIES


def test_removing_a_scan_costs_the_same_however_full_the_shipment_is(api, store, clerk, make_return):
    counts = []
    for shipment in small_and_big(store, clerk, make_return):
        item = ShipmentItem.objects.filter(shipment=shipment).order_by("pk").first()
        count, _ = called(api.post, f"{API}/shipments/{shipment.public_id}/items/{item.pk}/remove/")
        item.refresh_from_db()
        assert item.removed_at is not None
        counts.append(count)
    assert counts[0] == counts[1] == ITEM_REMOVE_QUERIES


def test_closing_a_shipment_costs_the_same_however_full_it_is(api, store, clerk, make_return):
    counts = []
    for shipment in small_and_big(store, clerk, make_return):
        count, response = called(api.post, f"{API}/shipments/{shipment.public_id}/close/")
        assert response.json()["status"] == "closed"
        assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.CLOSED
        counts.append(count)
    assert counts[0] == counts[1] == CLOSE_QUERIES


def test_dispatching_a_shipment_costs_the_same_for_one_return_or_six(api, store, clerk, make_return, shop_connection):
    counts = []
    # Its returns move in transit together (see the browser's dispatch test).
    for shipment in to_dispatch(store, clerk, make_return, shop_connection):
        url = f"{API}/shipments/{shipment.public_id}/dispatch/"
        count, response = called(api.post, url, {"pickup_reference": "PU-7"})
        assert response.json()["status"] == "dispatched"
        assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.DISPATCHED
        assert_moved_in_transit(shipment, clerk)
        counts.append(count)
    assert counts[0] == counts[1] == DISPATCH_QUERIES


@pytest.mark.parametrize("kind", ["barcode.pdf", "label.pdf", "label.zpl"])
def test_a_carton_s_labels_cost_the_same_however_full_the_shipment_is(api, store, clerk, make_return, kind):
    small, big = (closed(shipment, clerk) for shipment in small_and_big(store, clerk, make_return))
    counts = []
    for shipment, position in ((small, 1), (big, 3)):
        count, response = called(api.get, f"{API}/shipments/{shipment.public_id}/cartons/{position}/{kind}")
        assert response["Content-Type"].startswith("text/plain" if kind.endswith("zpl") else "application/pdf")
        counts.append(count)
    assert counts[0] == counts[1] == CARTON_FILE_QUERIES[kind]


@pytest.mark.parametrize("extension", ["pdf", "csv"])
def test_the_manifest_costs_the_same_however_full_the_shipment_is(api, store, clerk, make_return, extension):
    small, big = (closed(shipment, clerk) for shipment in small_and_big(store, clerk, make_return))
    counts = []
    for shipment in (small, big):
        count, response = called(api.get, f"{API}/shipments/{shipment.public_id}/manifest.{extension}")
        assert shipment.number in response["Content-Disposition"]
        counts.append(count)
    assert counts[0] == counts[1] == MANIFEST_QUERIES
