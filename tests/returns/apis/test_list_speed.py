"""The staff's list of returns: a full page of 50 costs the same queries as a page of a few, the filter by
contact email matches in any case through the LOWER(contact_email) index, and the filter by status reads
`returns_status_created` in the list's order (no DISTINCT, no join the list does not already make)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.returns.api.listing import ReturnRequestFilter
from rma.returns.selectors import return_request_list
from tests.orders.factories import OrderLineFactory
from tests.plans import plan_in_index_order, plan_without_seq_scan

pytestmark = pytest.mark.django_db
# Pinned: one more query per page shows here; one more per row shows as a difference between the two pages.
LIST_QUERIES = 6


def test_a_page_of_fifty_costs_what_a_page_of_two_does(agent, make_return, django_assert_num_queries):
    for _ in range(2):
        make_return(order_line=OrderLineFactory())
    with CaptureQueriesContext(connection) as queries:
        assert len(agent.get("/api/v1/returns/").json()["results"]) == 2
    small = len(queries)
    for _ in range(48):
        make_return(order_line=OrderLineFactory())
    with django_assert_num_queries(small):
        assert len(agent.get("/api/v1/returns/").json()["results"]) == 50
    assert small == LIST_QUERIES


def test_the_contact_email_filter_matches_in_any_case(agent, make_return):
    mine = make_return(order_line=OrderLineFactory(), contact_email="Chloe.Martin@Example.fr")
    make_return(order_line=OrderLineFactory(), contact_email="someone@example.fr")
    response = agent.get("/api/v1/returns/", {"contact_email": "chloe.martin@EXAMPLE.FR"})
    assert response.status_code == 200
    assert [row["public_id"] for row in response.json()["results"]] == [str(mine.public_id)]


def test_the_contact_email_filter_uses_its_index_on_postgresql(postgres_only, agent_user, make_return):
    make_return(order_line=OrderLineFactory(), contact_email="chloe@example.fr")
    filtered = ReturnRequestFilter(
        data={"contact_email": "Chloe@Example.fr"}, queryset=return_request_list(user=agent_user)
    ).qs
    plan = plan_without_seq_scan(filtered)
    assert "returns_contact_lower_created" in plan, plan


def _filtered(user, data):
    return ReturnRequestFilter(data=data, queryset=return_request_list(user=user)).qs


def test_no_filter_repeats_or_joins_beyond_the_list(agent_user):
    """Each filter is on the return or on one row it points to: DISTINCT would sort every match before the limit."""
    unfiltered = str(return_request_list(user=agent_user).query)
    joins = unfiltered.count(" JOIN ")
    for data in (
        {"status": ["in_transit", "received"]},
        {"order": "SC1-1"},
        {"contact_email": "a@example.fr"},
        {"channel": "portal"},
        {"created_after": "2026-01-01T00:00:00Z", "created_before": "2026-02-01T00:00:00Z"},
        {"store": "PARIS-01"},
        {"warehouse": "LYON"},
    ):
        sql = str(_filtered(agent_user, data).query)
        assert "DISTINCT" not in sql, data
        assert sql.count(" JOIN ") == joins, data


def test_the_status_filter_keeps_every_return_once(agent, make_return):
    first = make_return(order_line=OrderLineFactory(), lines=3)
    second = make_return(order_line=OrderLineFactory(), lines=2)
    response = agent.get("/api/v1/returns/", {"status": [first.status, "in_transit"]})
    assert response.status_code == 200
    assert [row["public_id"] for row in response.json()["results"]] == [str(second.public_id), str(first.public_id)]


def test_the_status_filter_reads_its_index_in_order_on_postgresql(postgres_only, agent_user, make_return):
    make_return(order_line=OrderLineFactory())
    plan = plan_in_index_order(_filtered(agent_user, {"status": ["in_transit"]})[:51])
    assert "using returns_status_created on returns_returnrequest" in plan, plan
    assert "Sort" not in plan, plan
    assert "Unique" not in plan, plan
