"""The returns API's reads cost a fixed number of queries, whatever the number of lines, events or rows."""

import pytest

from tests.helpers import get_queries
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db
# Pinned: a query more per request shows here; one per row shows as a difference between the small and big cases.
DETAIL_QUERIES = 8
REASON_CODES_QUERIES = 4
ORDER_ELIGIBILITY_QUERIES = 8
NOTES_QUERIES = 6


def test_a_return_with_five_lines_costs_what_one_with_a_line_does(agent, make_return):
    one = make_return(order_line=OrderLineFactory())
    five = make_return(order_line=OrderLineFactory(), lines=5)
    small = get_queries(agent, f"/api/v1/returns/{one.public_id}/")
    big = get_queries(agent, f"/api/v1/returns/{five.public_id}/")
    assert (small, big) == (DETAIL_QUERIES, DETAIL_QUERIES)


def test_the_reason_codes_cost_the_same_for_two_or_twelve(agent):
    ReasonCodeFactory.create_batch(2)
    small = get_queries(agent, "/api/v1/reason-codes/")
    ReasonCodeFactory.create_batch(10)
    big = get_queries(agent, "/api/v1/reason-codes/")
    assert (small, big) == (REASON_CODES_QUERIES, REASON_CODES_QUERIES)


def test_an_order_s_eligibility_costs_the_same_for_one_line_or_eight(agent, policy):
    one = OrderLineFactory().order
    eight = OrderLineFactory().order
    OrderLineFactory.create_batch(7, order=eight)
    small = get_queries(agent, f"/api/v1/orders/{one.external_id}/eligibility/")
    big = get_queries(agent, f"/api/v1/orders/{eight.external_id}/eligibility/")
    assert (small, big) == (ORDER_ELIGIBILITY_QUERIES, ORDER_ELIGIBILITY_QUERIES)


def test_a_return_s_notes_cost_the_same_for_one_or_six(agent, agent_user, make_return):
    from rma.returns.notes import return_note_add

    return_request = make_return(order_line=OrderLineFactory())
    url = f"/api/v1/returns/{return_request.public_id}/notes/"
    return_note_add(return_request=return_request, author=agent_user, body="Called the customer.")
    small = get_queries(agent, url)
    for index in range(5):
        return_note_add(return_request=return_request, author=agent_user, body=f"Note {index}.")
    big = get_queries(agent, url)
    assert (small, big) == (NOTES_QUERIES, NOTES_QUERIES)
