"""The shop's actions and files cost a fixed number of statements, whatever a return's lines, an order's lines, the
returns checked lately or a shipment's cartons and items: each number is pinned, so a statement more per request
shows here, and one per row shows as a difference between the small and the big case. Each action also asserts what
it did, so a pin cannot pass on an action that silently stopped working."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.connectors.models import ShopOrder
from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment, ShipmentItem
from rma.shipping.services.shipment_documents import shipment_documents_generate
from rma.shipping.services.shipment_handover import shipment_close
from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open, shipment_return_add
from rma.store.views.common import SESSION_STORE
from rma.store.views.counter import order_token
from tests.helpers import get_queries
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db
# Pinned, one per page or action. Every request opens with its savepoint, the session, the user with their roles (one
# prepared statement) and their shops, and ends releasing the savepoint: 5 statements before the page's own.
COUNTER_QUERIES = 6  # + the returns checked lately
SCAN_QUERIES = 7  # + the return found by its code, and whether it is one of the shop's
ORDER_FIND_QUERIES = 6  # + the order found by number and email or postcode
SWITCH_QUERIES = 8  # + the session saved (a read and an update of its row), the savepoint of that save
RECEIPT_QUERIES = 7  # + the return, its lines with their checks
RETURN_CHECK_POST_QUERIES = 30  # the return and lines, their checks written in bulk, the status change, emails
ORDER_POST_QUERIES = 38  # the order's eligibility, the return and its lines in bulk, approval, its label, emails
SHIPMENT_OPEN_QUERIES = 16  # the shop's next number, the shipment, its first carton and its barcode
LOOSE_ADD_QUERIES = 14  # the shipment with its cartons and items, the lock, the item
ITEM_REMOVE_QUERIES = 14  # the shipment with its cartons and items, the item, the lock, the removal
CARTON_ADD_QUERIES = 13  # the shipment with its cartons and items, the lock, the next position, the carton
CARTON_WEIGHT_QUERIES = 13  # the shipment with its cartons and items, the carton, the lock, the weight
CARTON_REMOVE_QUERIES = 19  # the shipment with its cartons and items, the carton, the lock, emptiness, renumbering
CARTON_BARCODE_QUERIES = 10  # the shipment with its cartons and items, the carton, its rank in the shipment
CARTON_LABEL_QUERIES = 9  # the shipment with its cartons and items, the carton (the file is read from storage)
MANIFEST_QUERIES = 8  # the shipment with its cartons and items (the file is read from storage)
WAREHOUSE_QUERIES = 13  # the shipment with its cartons and items, the warehouse chosen, the lock, the change
CLOSE_QUERIES = 23  # the lock, the cartons and the items filled, the change, the notice's contents, webhook and email
DISPATCH_QUERIES = 29  # as closing, and its returns moved in transit together (see the dispatch test)


@pytest.fixture
def browser(client, clerk):
    client.force_login(clerk)
    return client


def posted(browser, url, data=None):
    """The statements of one POST of `url` (answered with a redirect), and the response."""
    with CaptureQueriesContext(connection) as queries:
        response = browser.post(url, data or {})
    assert response.status_code == 302, (response.status_code, response.content[:500])
    return len(queries), response


def filled(store, clerk, make_return, *, cartons, skus=(), returns=0):
    """An open shipment of `cartons` cartons, each holding loose items `skus`; the last also `returns` returns."""
    shipment = shipment_open(store=store, actor=clerk)
    for _ in range(cartons):
        carton = carton_add(shipment=shipment, actor=clerk)
        for sku in skus:
            shipment_loose_item_add(shipment=shipment, carton=carton, sku=sku, quantity=1, kind="unsold", actor=clerk)
    for _ in range(returns):
        shipment_return_add(shipment=shipment, carton=carton, code=make_return().rma_number, actor=clerk)
    return shipment


def small_and_big(store, clerk, make_return):
    """A shipment of one carton holding an item and a return, and one of three cartons of three items each, the last
    also holding three returns (a shipment holding a return reads the returns' lines once more, whatever their
    number: both cases hold one)."""
    return (
        filled(store, clerk, make_return, cartons=1, skus=("A",), returns=1),
        filled(store, clerk, make_return, cartons=3, skus=("A", "B", "C"), returns=3),
    )


def closed(shipment, clerk):
    shipment_close(shipment=shipment, actor=clerk)
    return shipment_documents_generate(shipment_id=shipment.pk)


def to_dispatch(store, clerk, make_return, shop_connection):
    """Two closed shipments: one carton holding an item and one return, and three cartons of three items each, the
    last also holding six returns. Each return is a different customer's; every other one, the first included, is of
    an order from the connected shop."""
    shipments = (
        filled(store, clerk, make_return, cartons=1, skus=("A",), returns=1),
        filled(store, clerk, make_return, cartons=3, skus=("A", "B", "C"), returns=6),
    )
    for shipment in shipments:
        shipment_close(shipment=shipment, actor=clerk)
        for return_request in shipment_returns(shipment)[::2]:
            order = return_request.order
            ShopOrder.objects.create(connection=shop_connection, order=order, order_ref=f"web-{order.number}")
    return shipments


def shipment_returns(shipment):
    return list(ReturnRequest.objects.filter(shipment_items__shipment=shipment).select_related("order").order_by("pk"))


def assert_moved_in_transit(shipment, clerk):
    """Each return of `shipment` is in transit, by an event of `clerk`'s, and its customer was told (once each)."""
    return_requests = shipment_returns(shipment)
    assert {return_request.status for return_request in return_requests} == {ReturnStatus.IN_TRANSIT}
    events = ReturnEvent.objects.filter(return_request__in=return_requests, to_status=ReturnStatus.IN_TRANSIT)
    assert sorted(events.values_list("return_request_id", "actor", "actor_label")) == [
        (return_request.pk, clerk.pk, clerk.username) for return_request in return_requests
    ]
    emails = OutboxMessage.objects.filter(
        topic="parcel_in_transit", payload__rma_number__in=[r.rma_number for r in return_requests]
    )
    assert sorted(emails.values_list("destination", flat=True)) == sorted(r.contact_email for r in return_requests)


# ---- the counter


def test_the_counter_costs_the_same_for_one_return_checked_or_five(browser, make_return, hand_in):
    hand_in(make_return())
    small = get_queries(browser, "/store/", warm=True)
    for _ in range(4):
        hand_in(make_return(lines=2))
    big = get_queries(browser, "/store/", warm=True)
    assert small == big == COUNTER_QUERIES


def test_a_scan_at_the_counter_costs_the_same_for_one_line_or_four(browser, make_return):
    one, four = make_return(), make_return(lines=4)
    browser.get("/store/")
    small, response = posted(browser, "/store/scan/", {"code": one.rma_number})
    assert response["Location"] == f"/store/returns/{one.public_id}/"
    big, response = posted(browser, "/store/scan/", {"code": four.rma_number})
    assert response["Location"] == f"/store/returns/{four.public_id}/"
    assert small == big == SCAN_QUERIES


def test_finding_an_order_costs_the_same_for_one_line_or_six(browser):
    one = OrderLineFactory(order__number="ML1001", order__customer_email="a@example.fr").order
    six = OrderLineFactory(order__number="ML1006", order__customer_email="b@example.fr").order
    OrderLineFactory.create_batch(5, order=six)
    browser.get("/store/")
    small, response = posted(
        browser, "/store/orders/find/", {"order_number": "ML1001", "email_or_postcode": "a@example.fr"}
    )
    assert response["Location"] == f"/store/orders/{order_token(one)}/"
    big, response = posted(
        browser, "/store/orders/find/", {"order_number": "ML1006", "email_or_postcode": "b@example.fr"}
    )
    assert response["Location"] == f"/store/orders/{order_token(six)}/"
    assert small == big == ORDER_FIND_QUERIES


def test_switching_shop_costs_a_fixed_number_of_statements(browser, clerk, store, other_store):
    other_store.staff.add(clerk)
    posted(browser, "/store/switch/", {"store": other_store.pk})
    assert browser.session[SESSION_STORE] == other_store.pk
    count, response = posted(browser, "/store/switch/", {"store": store.pk})
    assert response["Location"] == "/store/"
    assert browser.session[SESSION_STORE] == store.pk
    assert count == SWITCH_QUERIES


def test_the_receipt_costs_the_same_for_one_line_or_four(browser, make_return, hand_in):
    one, four = hand_in(make_return()), hand_in(make_return(lines=4))
    small = get_queries(browser, f"/store/returns/{one.public_id}/receipt-a4.pdf", warm=True)
    big = get_queries(browser, f"/store/returns/{four.public_id}/receipt-80mm.pdf", warm=True)
    assert small == big == RECEIPT_QUERIES


def test_checking_a_return_at_the_counter_costs_the_same_for_one_line_or_four(browser, make_return):
    one, four = make_return(), make_return(lines=4)

    def check(return_request):
        form = {}
        for line in return_request.lines.all():
            form[f"line-{line.pk}-condition"] = "good"
            form[f"line-{line.pk}-decision"] = "accept"
        count, response = posted(browser, f"/store/returns/{return_request.public_id}/", form)
        assert response["Location"] == f"/store/returns/{return_request.public_id}/"
        assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.IN_TRANSIT
        return count

    browser.get("/store/")
    small, big = check(one), check(four)
    assert small == big == RETURN_CHECK_POST_QUERIES


def test_starting_a_return_at_the_counter_costs_the_same_for_one_line_or_four(browser, reason, policy):
    one = OrderLineFactory(quantity=2).order
    four = OrderLineFactory(quantity=2).order
    OrderLineFactory.create_batch(3, order=four, quantity=2)

    def start(order):
        form = {"resolution": "refund"}
        for line in order.lines.all():
            form[f"qty-{line.pk}"] = "1"
            form[f"reason-{line.pk}"] = reason.code
        count, response = posted(browser, f"/store/orders/{order_token(order)}/", form)
        created = ReturnRequest.objects.get(order=order)
        assert response["Location"] == f"/store/returns/{created.public_id}/"
        assert created.lines.count() == order.lines.count()
        return count

    start(OrderLineFactory(quantity=2).order)  # the first label of a process also reads the carrier accounts
    small, big = start(one), start(four)
    assert small == big == ORDER_POST_QUERIES


# ---- shipments


def test_opening_a_shipment_costs_a_fixed_number_of_statements(browser, store, warehouse):
    posted(browser, "/store/shipments/open/", {"warehouse": warehouse.pk})
    count, response = posted(browser, "/store/shipments/open/", {"warehouse": warehouse.pk})
    shipment = Shipment.objects.filter(store=store).latest("sequence")
    assert response["Location"] == f"/store/shipments/{shipment.public_id}/"
    assert (shipment.sequence, shipment.warehouse, shipment.cartons.count()) == (2, warehouse, 1)
    assert count == SHIPMENT_OPEN_QUERIES


def test_adding_loose_items_costs_the_same_however_full_the_shipment_is(browser, store, clerk, make_return):
    counts = []
    browser.get("/store/")
    for shipment in small_and_big(store, clerk, make_return):
        count, _ = posted(
            browser,
            f"/store/shipments/{shipment.public_id}/items/",
            {"sku": "SKU-NEW", "quantity": 2, "kind": "damaged", "carton": 1},
        )
        assert ShipmentItem.objects.filter(shipment=shipment, sku="SKU-NEW", quantity=2).exists()
        counts.append(count)
    assert counts[0] == counts[1] == LOOSE_ADD_QUERIES


def test_removing_a_scan_costs_the_same_however_full_the_shipment_is(browser, store, clerk, make_return):
    counts = []
    browser.get("/store/")
    for shipment in small_and_big(store, clerk, make_return):
        item = ShipmentItem.objects.filter(shipment=shipment).order_by("pk").first()
        count, _ = posted(browser, f"/store/shipments/{shipment.public_id}/items/{item.pk}/remove/")
        item.refresh_from_db()
        assert item.removed_at is not None
        counts.append(count)
    assert counts[0] == counts[1] == ITEM_REMOVE_QUERIES


def test_adding_a_carton_costs_the_same_however_full_the_shipment_is(browser, store, clerk, make_return):
    counts = []
    browser.get("/store/")
    for shipment in small_and_big(store, clerk, make_return):
        before = shipment.cartons.count()
        count, _ = posted(browser, f"/store/shipments/{shipment.public_id}/cartons/")
        assert shipment.cartons.count() == before + 1
        counts.append(count)
    assert counts[0] == counts[1] == CARTON_ADD_QUERIES


def test_weighing_a_carton_costs_the_same_however_full_the_shipment_is(browser, store, clerk, make_return):
    counts = []
    browser.get("/store/")
    for shipment in small_and_big(store, clerk, make_return):
        count, _ = posted(browser, f"/store/shipments/{shipment.public_id}/cartons/1/weight/", {"weight_kg": "4.5"})
        assert Carton.objects.get(shipment=shipment, position=1).weight_grams == 4500
        counts.append(count)
    assert counts[0] == counts[1] == CARTON_WEIGHT_QUERIES


def test_removing_an_empty_carton_costs_the_same_however_full_the_shipment_is(browser, store, clerk, make_return):
    counts = []
    browser.get("/store/")
    for shipment in small_and_big(store, clerk, make_return):
        empty = carton_add(shipment=shipment, actor=clerk)
        count, _ = posted(browser, f"/store/shipments/{shipment.public_id}/cartons/{empty.position}/remove/")
        assert not Carton.objects.filter(pk=empty.pk).exists()
        counts.append(count)
    assert counts[0] == counts[1] == CARTON_REMOVE_QUERIES


def test_a_carton_s_barcode_label_costs_the_same_however_full_the_shipment_is(browser, store, clerk, make_return):
    small, big = small_and_big(store, clerk, make_return)
    counts = (
        get_queries(browser, f"/store/shipments/{small.public_id}/cartons/1/barcode.pdf", warm=True),
        get_queries(browser, f"/store/shipments/{big.public_id}/cartons/3/barcode.pdf", warm=True),
    )
    assert counts[0] == counts[1] == CARTON_BARCODE_QUERIES


@pytest.mark.parametrize("extension", ["pdf", "zpl"])
def test_a_carton_s_carrier_label_costs_the_same_however_full_the_shipment_is(
    browser, store, clerk, make_return, extension
):
    small, big = (closed(shipment, clerk) for shipment in small_and_big(store, clerk, make_return))
    counts = (
        get_queries(browser, f"/store/shipments/{small.public_id}/cartons/1/label.{extension}", warm=True),
        get_queries(browser, f"/store/shipments/{big.public_id}/cartons/3/label.{extension}", warm=True),
    )
    assert counts[0] == counts[1] == CARTON_LABEL_QUERIES


@pytest.mark.parametrize("extension", ["pdf", "csv"])
def test_the_manifest_costs_the_same_however_full_the_shipment_is(browser, store, clerk, make_return, extension):
    small, big = (closed(shipment, clerk) for shipment in small_and_big(store, clerk, make_return))
    counts = (
        get_queries(browser, f"/store/shipments/{small.public_id}/manifest.{extension}", warm=True),
        get_queries(browser, f"/store/shipments/{big.public_id}/manifest.{extension}", warm=True),
    )
    assert counts[0] == counts[1] == MANIFEST_QUERIES


def test_changing_a_shipment_s_warehouse_costs_a_fixed_number_of_statements(
    browser, store, clerk, make_return, other_warehouse
):
    counts = []
    browser.get("/store/")
    for shipment in small_and_big(store, clerk, make_return):
        count, _ = posted(
            browser, f"/store/shipments/{shipment.public_id}/warehouse/", {"warehouse": other_warehouse.pk}
        )
        assert Shipment.objects.get(pk=shipment.pk).warehouse == other_warehouse
        counts.append(count)
    assert counts[0] == counts[1] == WAREHOUSE_QUERIES


def test_closing_a_shipment_costs_the_same_however_full_it_is(browser, store, clerk, make_return):
    counts = []
    browser.get("/store/")
    for shipment in small_and_big(store, clerk, make_return):
        count, _ = posted(browser, f"/store/shipments/{shipment.public_id}/close/")
        assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.CLOSED
        counts.append(count)
    assert counts[0] == counts[1] == CLOSE_QUERIES


def test_dispatching_a_shipment_costs_the_same_for_one_return_or_six(
    browser, store, clerk, make_return, shop_connection
):
    counts = []
    # Its returns move in transit together (rma.returns.transitions.transitions_apply): one lock and one read of their
    # lines, one update, one insert of their events, one of their emails and notices, their shop orders read, then
    # the refunds and store credits of those from the connected shop, whatever their number.
    browser.get("/store/")
    for shipment in to_dispatch(store, clerk, make_return, shop_connection):
        count, _ = posted(browser, f"/store/shipments/{shipment.public_id}/dispatch/", {"pickup_reference": "PU-1"})
        assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.DISPATCHED
        assert_moved_in_transit(shipment, clerk)
        counts.append(count)
    assert counts[0] == counts[1] == DISPATCH_QUERIES
