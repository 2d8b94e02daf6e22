"""The staff's list of returns: a full page of 50 costs the same queries as a page of a few, and the filter by
contact email matches in any case through the LOWER(contact_email) index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.returns.api.listing import ReturnRequestFilter
from rma.returns.selectors import return_request_list
from tests.orders.factories import OrderLineFactory
from tests.plans import plan_without_seq_scan

pytestmark = pytest.mark.django_db
# Pinned: one more query per page shows here; one more per row shows as a difference between the two pages.
LIST_QUERIES = 7


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
