"""The board lists of the warehouse API write their rows with plain functions, for the whole page at once: each row
is still what the list's OutputSerializer (the schema's shape) writes, and a page costs the same queries however
many rows it holds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.warehouse import selectors
from rma.warehouse.api.boards import WarehouseAwaitingRefundListApi, WarehouseExpectedListApi

pytestmark = pytest.mark.django_db

API = "/api/v1/warehouse"
# Pinned: one more query per page shows here; one more per row shows between a page of 2 and a page of 8.
EXPECTED_QUERIES = 6
AWAITING_QUERIES = 5


@pytest.fixture
def api(operator):
    client = APIClient()
    client.force_authenticate(operator)
    return client


def received(api, return_request, days_ago=0):
    api.post(f"{API}/scan/", {"code": return_request.rma_number}, format="json")
    ReturnRequest.objects.filter(pk=return_request.pk).update(received_at=timezone.now() - timedelta(days=days_ago))


def serialized(view, rows):
    return [dict(row) for row in view.OutputSerializer(rows, many=True).data]


def test_expected_rows_are_what_the_output_serializer_writes(api, make_return, warehouse):
    make_return(tracking_number="RP123456785FR")
    make_return(status=S.APPROVED)
    late = make_return()
    ReturnRequest.objects.filter(pk=late.pk).update(status_changed_at=timezone.now() - timedelta(days=9))

    results = api.get(f"{API}/expected/").json()["results"]

    now = timezone.now()
    page = selectors.returns_expected(warehouses=[warehouse])
    rows = [selectors.expected_row(return_request=return_request, now=now) for return_request in page]
    assert len(results) == 3
    assert results == serialized(WarehouseExpectedListApi, rows)


def test_awaiting_refund_rows_are_what_the_output_serializer_writes(api, make_return, warehouse):
    for days_ago in (0, 12, 15):
        received(api, make_return(), days_ago)

    results = api.get(f"{API}/awaiting-refund/").json()["results"]

    now = timezone.now()
    page = selectors.returns_awaiting_refund(warehouses=[warehouse])
    rows = [selectors.refund_due_row(return_request=return_request, now=now) for return_request in page]
    assert [(row["due_soon"], row["overdue"]) for row in results] == [(False, True), (True, False), (False, False)]
    assert results == serialized(WarehouseAwaitingRefundListApi, rows)


def queries(api, path, rows):
    api.get(path)  # the caller's roles, cached per user, are read once
    with CaptureQueriesContext(connection) as captured:
        assert len(api.get(path).json()["results"]) == rows
    return len(captured)


def test_a_board_page_costs_the_same_queries_whatever_its_rows(api, make_return):
    for n in range(2):
        make_return(tracking_number=f"RP12345678{n}FR")
        received(api, make_return())
    small = (queries(api, f"{API}/expected/", 2), queries(api, f"{API}/awaiting-refund/", 2))
    for n in range(6):
        make_return(tracking_number=f"RP22345678{n}FR")
        received(api, make_return())
    large = (queries(api, f"{API}/expected/", 8), queries(api, f"{API}/awaiting-refund/", 8))
    assert small == large == (EXPECTED_QUERIES, AWAITING_QUERIES)
