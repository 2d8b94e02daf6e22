"""The warehouse board and its two lists cost a fixed number of queries whatever the number of returns, and read the
stored time of the last move (indexed) instead of looking up each row's latest event."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from rma.returns.choices import ReturnStatus as S
from rma.warehouse.selectors import refund_due_row, returns_awaiting_refund, returns_expected
from rma.warehouse.services import arrival_register
from tests.conftest import client_for
from tests.helpers import queries_of
from tests.plans import plan_in_index_order

pytestmark = pytest.mark.django_db
API = "/api/v1/warehouse"
# Pinned: a change that adds a query per page shows here (and one per row in the growth checks below).
BOARD_QUERIES = 13  # the rows of four lists, and their figures in one statement
EXPECTED_QUERIES = 7
AWAITING_QUERIES = 6


@pytest.fixture
def web(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def fill(make_return, warehouse, operator):
    """`n` returns of each kind the board shows: in transit, approved, label ready, received, inspected-to-be."""

    def make(n: int) -> None:
        for _ in range(n):
            make_return(tracking_number="")
            make_return(status=S.APPROVED)
            make_return(status=S.LABEL_READY)
            received = make_return()
            arrival_register(code=received.rma_number, warehouse=warehouse, actor=operator)

    return make


def test_the_board_costs_the_same_with_more_returns(web, fill, django_assert_num_queries):
    fill(1)
    small = queries_of(lambda: web.get(reverse("warehouse:board")))
    fill(4)
    with django_assert_num_queries(small):
        response = web.get(reverse("warehouse:board"))
    assert response.status_code == 200
    assert small == BOARD_QUERIES


def test_the_expected_list_costs_the_same_with_more_returns(operator, fill, django_assert_num_queries):
    api = client_for(operator)
    fill(1)
    small = queries_of(lambda: api.get(f"{API}/expected/"))
    fill(4)
    with django_assert_num_queries(small):
        assert len(api.get(f"{API}/expected/").json()["results"]) == 15
    assert small == EXPECTED_QUERIES


def test_the_awaiting_refund_list_costs_the_same_with_more_returns(operator, fill, django_assert_num_queries):
    api = client_for(operator)
    fill(1)
    small = queries_of(lambda: api.get(f"{API}/awaiting-refund/"))
    fill(4)
    with django_assert_num_queries(small):
        assert len(api.get(f"{API}/awaiting-refund/").json()["results"]) == 5
    assert small == AWAITING_QUERIES


def test_the_lists_read_no_event_per_row(warehouse):
    for queryset in (returns_expected(warehouses=[warehouse]), returns_awaiting_refund(warehouses=[warehouse])):
        sql = str(queryset.query).lower()
        assert "returns_returnevent" not in sql


def test_the_board_reads_its_lists_in_index_order_on_postgresql(postgres_only, warehouse, fill):
    """For one warehouse each list comes out of its partial index already sorted: no sort of every in-flight row,
    no look-up of each row's events, so a page costs the same at any size."""
    fill(2)
    expected = plan_in_index_order(returns_expected(warehouses=[warehouse])[:200])
    awaiting = plan_in_index_order(returns_awaiting_refund(warehouses=[warehouse])[:200])
    for index, plan in (("returns_expected_covering", expected), ("returns_awaiting_board", awaiting)):
        assert f"Index Scan using {index} on returns_returnrequest" in plan, plan
        assert "Sort" not in plan, plan
        assert "SubPlan" not in plan, plan


def test_the_board_s_rows_link_and_read_as_reversed_and_translated(web, fill, warehouse, operator):
    """Rows carry plain values worked out once per page (a URL prefix, one translation per age and per status):
    the links are those reverse() gives, the ages and statuses those of the reader's language."""
    fill(1)
    parcel = arrival_register(code="NOBODY-KNOWS", warehouse=warehouse, actor=operator).parcel
    english = web.get(reverse("warehouse:board")).content.decode()
    awaiting = returns_awaiting_refund(warehouses=[warehouse]).get()
    assert f'href="{reverse("warehouse:return", args=[awaiting.public_id])}"' in english
    assert f'href="{reverse("warehouse:unexpected", args=[parcel.pk])}"' in english
    assert "0 days" in english
    assert "On its way" in english
    french = web.get(reverse("warehouse:board"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "0 jour" in french
    assert "En route" in french
    # Dates as the template's date filter writes them, in the reader's time zone and format.
    row = refund_due_row(return_request=awaiting)
    context = Context({"at": row.received_at, "due": row.due_by})
    for language, page in (("en", english), ("fr", french)):
        with translation.override(language):
            received = Template('{{ at|date:"SHORT_DATETIME_FORMAT" }}').render(context)
            due_by = Template('{{ due|date:"SHORT_DATE_FORMAT" }}').render(context)
        assert f"<td>{received}</td>" in page, (language, received)
        assert f"<td>{due_by}" in page, (language, due_by)
