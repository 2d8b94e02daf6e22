"""A return's page and API detail at the warehouse cost a fixed number of queries, whatever its number of lines."""

import pytest
from django.urls import reverse

from rma.warehouse.services import arrival_register
from tests.conftest import client_for
from tests.helpers import get_queries

pytestmark = pytest.mark.django_db
# Pinned: a query more per request shows here; one per line shows as a difference between the two returns.
# The page reads the return's arrival (with its carton, shipment and who received it) in a statement of its own: two
# small statements plan in a fraction of the time of one joining them all. The API's detail reads the return once,
# with the order and warehouse it shows.
PAGE_QUERIES = 16
API_QUERIES = 10


@pytest.fixture
def received(make_return, warehouse, operator):
    def make(lines: int):
        return_request = make_return(lines=lines)
        arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
        return return_request

    return make


def test_the_return_page_costs_the_same_for_one_line_or_five(client, operator, received):
    client.force_login(operator)
    one, five = received(1), received(5)
    small = get_queries(client, reverse("warehouse:return", args=[one.public_id]))
    big = get_queries(client, reverse("warehouse:return", args=[five.public_id]))
    assert (small, big) == (PAGE_QUERIES, PAGE_QUERIES)


def test_the_api_detail_costs_the_same_for_one_line_or_five(operator, received):
    api = client_for(operator)
    one, five = received(1), received(5)
    small = get_queries(api, f"/api/v1/warehouse/returns/{one.public_id}/")
    big = get_queries(api, f"/api/v1/warehouse/returns/{five.public_id}/")
    assert (small, big) == (API_QUERIES, API_QUERIES)
