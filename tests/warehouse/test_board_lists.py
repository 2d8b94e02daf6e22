"""The board shows the most urgent rows of each list with figures counted by the database, and links to each whole
list, a page at a time. The figures agree with the rows' own flags (`expected_row`, `refund_due_row`), and past
the count limit they read as floors ("3+")."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rma.core import roles
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.shipping.carriers import TrackingStatus
from rma.shipping.choices import TrackingAlert
from rma.shipping.models import Label
from rma.warehouse.selectors import (
    board_counts,
    expected_row,
    refund_due_row,
    returns_awaiting_refund,
    returns_expected,
    shipments_expected,
)
from rma.warehouse.services import arrival_register
from tests.core.factories import UserFactory
from tests.helpers import get_queries
from tests.plans import plan_in_index_order, plan_of_statement

pytestmark = pytest.mark.django_db
# Pinned: a page of the expected list is its rows (with their orders and labels) and what every warehouse page reads.
LIST_QUERIES = 8


@pytest.fixture
def web(client, operator):
    client.force_login(operator)
    return client


def _moved(return_request: ReturnRequest, *, days_ago: int, **fields) -> None:
    ReturnRequest.objects.filter(pk=return_request.pk).update(
        status_changed_at=timezone.now() - timedelta(days=days_ago), **fields
    )


def _tracked(return_request: ReturnRequest, status: str, alert: str = "") -> None:
    Label.objects.filter(return_request=return_request).update(tracking_status=status, tracking_alert=alert)


@pytest.fixture
def mixed(make_return, warehouse, operator):
    """Returns in every case the board flags: late in transit, at the dock, sent back to the customer, not sent by
    their day, on time; received long ago (refund overdue), lately (due soon) and today."""
    now = timezone.now()
    _moved(make_return(tracking_number="LATE1"), days_ago=20)
    _moved(make_return(tracking_number="LATE2"), days_ago=9)
    _moved(make_return(tracking_number="FRESH"), days_ago=1)
    at_dock = make_return(tracking_number="DOCK1")
    _moved(at_dock, days_ago=30)
    _tracked(at_dock, TrackingStatus.DELIVERED)
    sent_back = make_return(tracking_number="RTS01")
    _moved(sent_back, days_ago=30)
    _tracked(sent_back, TrackingStatus.DELIVERED, TrackingAlert.RETURNED_TO_SENDER)
    _moved(make_return(status=S.APPROVED), days_ago=20, send_by=now - timedelta(days=2))
    _moved(make_return(status=S.LABEL_READY), days_ago=2, send_by=now + timedelta(days=5))
    for days_ago in (16, 12, 0):
        received = make_return()
        arrival_register(code=received.rma_number, warehouse=warehouse, actor=operator)
        ReturnRequest.objects.filter(pk=received.pk).update(received_at=now - timedelta(days=days_ago))


def test_the_figures_agree_with_the_rows_flags(mixed, warehouse):
    now = timezone.now()
    rows = [expected_row(return_request=r, now=now) for r in returns_expected(warehouses=[warehouse])]
    due = [refund_due_row(return_request=r, now=now) for r in returns_awaiting_refund(warehouses=[warehouse])]
    counts = board_counts(warehouses=[warehouse], now=now)
    assert (counts.expected.value, counts.late.value, counts.at_dock.value) == (7, 4, 1)
    assert counts.late.value == sum(row.late for row in rows)  # LATE1, LATE2, RTS01 (back to sender), APPROVED
    assert counts.at_dock.value == sum(row.at_dock for row in rows)
    assert counts.awaiting.value == 3
    assert counts.refund_flagged.value == sum(row.due_soon or row.overdue for row in due) == 2
    assert not any(count.capped for count in (counts.expected, counts.late, counts.awaiting))


def test_the_figures_move_with_the_time_and_the_settings(mixed, warehouse, other_warehouse, settings):
    """On PostgreSQL the counting statement is made once per warehouse set, limit and spans, then moved to the time
    asked: its figures still agree with the rows' flags days later, with other settings, for other warehouses."""

    def flags(warehouses, now):
        rows = [expected_row(return_request=r, now=now) for r in returns_expected(warehouses=warehouses)]
        due = [refund_due_row(return_request=r, now=now) for r in returns_awaiting_refund(warehouses=warehouses)]
        return len(rows), sum(row.late for row in rows), sum(row.due_soon or row.overdue for row in due)

    def figures(warehouses, now):
        counts = board_counts(warehouses=warehouses, now=now)
        return counts.expected.value, counts.late.value, counts.refund_flagged.value

    now = timezone.now()
    assert figures([warehouse], now) == flags([warehouse], now) == (7, 4, 2)
    for later in (now + timedelta(days=8), now + timedelta(days=12)):  # more late; then one more refund due soon
        assert figures([warehouse], later) == flags([warehouse], later)
    assert figures([warehouse], now + timedelta(days=12))[2] == 3
    settings.RMA_WAREHOUSE_LATE_AFTER_DAYS = 25
    settings.RMA_WAREHOUSE_REFUND_WARNING_DAYS = 1
    assert figures([warehouse], now) == flags([warehouse], now) != (7, 4, 2)
    assert figures([other_warehouse, warehouse], now) == figures([warehouse], now)
    assert figures([other_warehouse], now) == (0, 0, 0)
    settings.RMA_WAREHOUSE_BOARD_COUNT_LIMIT = 3
    assert board_counts(warehouses=[warehouse], now=now).expected.capped


def test_the_board_shows_its_figures(web, mixed):
    content = web.get(reverse("warehouse:board")).content.decode()
    assert 'data-count="expected">7<' in content
    assert "4 late" in content
    assert "1 at the dock" in content
    assert "2 refunds due soon" in content
    assert "data-more=" not in content  # every row is on the board


def test_past_the_limits_the_board_shows_the_first_rows_and_floors(web, mixed, settings):
    settings.RMA_WAREHOUSE_BOARD_ROWS = 2
    settings.RMA_WAREHOUSE_BOARD_COUNT_LIMIT = 3
    content = web.get(reverse("warehouse:board")).content.decode()
    assert 'data-count="expected">3+<' in content
    assert 'data-count="awaiting">3<' in content  # exactly at the limit: exact
    assert content.count('data-flag="late"') + content.count('data-flag="at-dock"') <= 2
    assert reverse("warehouse:board-list", args=["expected"]) in content
    assert reverse("warehouse:board-list", args=["awaiting-refund"]) in content
    assert "See all 3+" in content


def test_a_list_is_read_a_page_at_a_time_in_the_boards_order(web, mixed, warehouse, settings):
    settings.RMA_WAREHOUSE_LIST_ROWS = 3
    url = reverse("warehouse:board-list", args=["expected"])
    order = [r.rma_number for r in returns_expected(warehouses=[warehouse])]
    pages = [web.get(url, {"page": number}).content.decode() for number in (1, 2, 3)]
    for index, content in enumerate(pages):
        shown = [number for number in order if number in content]
        assert shown == order[index * 3 : index * 3 + 3]
    assert 'rel="next"' in pages[0]
    assert 'rel="prev"' not in pages[0]
    assert 'rel="prev"' in pages[2]
    assert 'rel="next"' not in pages[2]
    assert "Rows 7 to 7" in pages[2]
    assert "Nothing here." in web.get(url, {"page": 9}).content.decode()


@pytest.mark.parametrize("name", ["awaiting-refund", "shipments", "unexpected"])
def test_every_list_opens(web, mixed, name):
    response = web.get(reverse("warehouse:board-list", args=[name]))
    assert response.status_code == 200
    assert "Back to the board" in response.content.decode()


@pytest.mark.parametrize("query", [{"page": "0"}, {"page": "two"}, {"page": "-1"}, {"page": "99999999"}])
def test_a_page_that_is_not_a_page_is_not_found(web, query):
    assert web.get(reverse("warehouse:board-list", args=["expected"]), query).status_code == 404


def test_an_unknown_list_is_not_found(web):
    assert web.get(reverse("warehouse:board-list", args=["everything"])).status_code == 404


def test_a_list_shows_the_operators_warehouses_only(web, make_return, other_warehouse):
    mine = make_return()
    theirs = make_return(destination=other_warehouse)
    content = web.get(reverse("warehouse:board-list", args=["expected"])).content.decode()
    assert mine.rma_number in content
    assert theirs.rma_number not in content


def test_a_list_page_costs_the_same_whatever_the_page(web, mixed, settings):
    settings.RMA_WAREHOUSE_LIST_ROWS = 2
    url = reverse("warehouse:board-list", args=["expected"])
    assert get_queries(web, url + "?page=1") == get_queries(web, url + "?page=3") == LIST_QUERIES


def test_the_figures_cost_one_statement_however_many_lists(web, mixed):
    with CaptureQueriesContext(connection) as statements:
        web.get(reverse("warehouse:board"))
    assert sum("CROSS JOIN" in query["sql"] for query in statements.captured_queries) == 1


def test_the_expected_shipments_are_read_in_their_index_order_on_postgresql(
    postgres_only, make_shipment, shop_return, warehouse
):
    make_shipment([shop_return(), ("SKU-A", 1)])
    plan = plan_in_index_order(shipments_expected(warehouses=[warehouse])[:50])
    assert "shipping_shipment_on_its_way" in plan, plan
    assert "Sort" not in plan, plan
    # Cartons counted per row shown (sub-plans), not grouped over every expected shipment before the limit.
    assert "Aggregate" not in plan.split("SubPlan")[0], plan


def test_the_figures_are_counted_from_indexes_alone_on_postgresql(postgres_only, mixed, warehouse):
    """Each list's first rows are counted from an index that holds every column the count reads, a label's delivery
    included: no row of a large table is read (their pages lie scattered), and no list is sorted."""
    with CaptureQueriesContext(connection) as statements:
        board_counts(warehouses=[warehouse], now=timezone.now())
    (counting,) = (query["sql"] for query in statements.captured_queries if "CROSS JOIN" in query["sql"])
    plan = plan_of_statement(counting)
    for index, table in (
        ("returns_expected_covering", "returns_returnrequest"),
        ("shipping_label_delivery", "shipping_label"),
        ("returns_awaiting_board", "returns_returnrequest"),
        ("shipping_shipment_on_its_way", "shipping_shipment"),
    ):
        assert f"Index Only Scan using {index} on {table}" in plan, plan
    # The open unexpected parcels (a handful at most, matched as they are sorted out) may be read and sorted.
    lines = [line for line in plan.splitlines() if "warehouse_unexpectedparcel" not in line]
    assert all("Index Only Scan" in line for line in lines if "Scan" in line), plan
    assert not any("Sort Key" in line for line in lines), plan


def test_an_operator_of_no_warehouse_sees_an_empty_board(client, make_return):
    make_return()
    client.force_login(UserFactory(username="newcomer", roles=[roles.WAREHOUSE_STAFF]))

    response = client.get(reverse("warehouse:board"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "You are not assigned to any warehouse" in content
    assert 'data-count="expected">0<' in content
