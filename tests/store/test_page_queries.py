"""The shop's pages cost a fixed number of queries, whatever a return's lines, an order's lines or a shipment's
contents: the number is pinned, so a query more per page shows, and one per row shows between the two cases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open, shipment_return_add
from rma.store.views.counter import order_token
from tests.conftest import client_for
from tests.helpers import queries_of
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db
# Pinned, one per page.
RETURN_CHECK_QUERIES = 7
RETURN_API_QUERIES = 5
ORDER_QUERIES = 12
CARTON_SCAN_QUERIES = 19


@pytest.fixture
def browser(client, clerk):
    client.force_login(clerk)
    return client


def test_the_return_check_page_costs_the_same_for_one_line_or_four(browser, clerk, make_return):
    one, four = make_return(), make_return(lines=4)
    api = client_for(clerk)
    small = (
        queries_of(lambda: browser.get(f"/store/returns/{one.public_id}/"), warm=True),
        queries_of(lambda: api.get(f"/api/v1/store/returns/{one.public_id}/"), warm=True),
    )
    big = (
        queries_of(lambda: browser.get(f"/store/returns/{four.public_id}/"), warm=True),
        queries_of(lambda: api.get(f"/api/v1/store/returns/{four.public_id}/"), warm=True),
    )
    assert small == big == (RETURN_CHECK_QUERIES, RETURN_API_QUERIES)


def test_the_order_page_costs_the_same_for_one_line_or_six_and_two_returns(browser, make_return):
    one = OrderLineFactory(quantity=2).order
    six = OrderLineFactory(quantity=2).order
    for line in OrderLineFactory.create_batch(5, order=six, quantity=2)[:2]:
        make_return(order_line=line)
    small = queries_of(lambda: browser.get(f"/store/orders/{order_token(one)}/"), warm=True)
    big = queries_of(lambda: browser.get(f"/store/orders/{order_token(six)}/"), warm=True)
    assert small == big == ORDER_QUERIES


def test_scanning_a_return_into_a_carton_costs_the_same_however_full_it_is(browser, store, clerk, make_return):
    shipment = shipment_open(store=store, actor=clerk)
    carton = carton_add(shipment=shipment, actor=clerk)
    url = f"/store/shipments/{shipment.public_id}/scan/"

    def scan(return_request):
        with CaptureQueriesContext(connection) as queries:
            response = browser.post(url, {"code": return_request.rma_number, "carton": carton.position})
        assert response.status_code == 302
        return len(queries)

    browser.get(f"/store/shipments/{shipment.public_id}/")  # per-user caches, as on the counter
    first = scan(make_return())
    for sku in ("A", "B", "C"):
        shipment_loose_item_add(shipment=shipment, carton=carton, sku=sku, quantity=1, kind="unsold", actor=clerk)
    for _ in range(3):
        shipment_return_add(shipment=shipment, carton=carton, code=make_return().rma_number, actor=clerk)
    later = scan(make_return(lines=3))
    assert first == later == CARTON_SCAN_QUERIES
