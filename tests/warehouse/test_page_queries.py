"""The warehouse's inspection and receiving pages cost a pinned number of queries, the same for a small case and a
large one: a query more per page shows, and so does one per unit, carton or counted item."""

import pytest
from django.urls import reverse

from rma.shipping.models import Carton
from rma.warehouse.models import Grade
from rma.warehouse.services import arrival_register, carton_count_add, carton_receive, inspection_record
from tests.conftest import client_for
from tests.helpers import get_queries

pytestmark = pytest.mark.django_db
# Pinned, one per page.
UNIT_PAGE_QUERIES = 12
DISPOSITION_PAGE_QUERIES = 11
SHIPMENT_PAGE_QUERIES = 13
CARTON_PAGE_QUERIES = 13
SHIPMENT_API_QUERIES = 11


@pytest.fixture
def web(client, operator):
    client.force_login(operator)
    return client


def _inspected(make_return, warehouse, operator, *, units: int):
    """A received return of `units` units of one line, all inspected but the last."""
    return_request = make_return(quantity=units)
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    line = return_request.lines.get()
    grade = Grade.objects.get(scale__category="apparel", code="B")
    for index in range(units - 1):
        inspection_record(return_line=line, unit_index=index, actor=operator, grade=grade)
    return return_request, line


def test_a_unit_s_inspection_and_disposition_pages_cost_the_same_for_one_unit_or_four(
    web, make_return, warehouse, operator
):
    counts = []
    for units in (1, 4):
        return_request, line = _inspected(make_return, warehouse, operator, units=units)
        args = [return_request.public_id, line.pk, units]
        inspect = get_queries(web, reverse("warehouse:unit-inspect", args=args), warm=True)
        web.post(
            reverse("warehouse:unit-inspect", args=args),
            {"condition": "received", "grade": Grade.objects.get(scale__category="apparel", code="A").pk},
        )
        disposition = get_queries(web, reverse("warehouse:unit-disposition", args=args), warm=True)
        counts.append((inspect, disposition))
    assert counts == [(UNIT_PAGE_QUERIES, DISPOSITION_PAGE_QUERIES)] * 2


def test_receiving_a_shipment_costs_the_same_for_one_return_or_four(
    web, make_shipment, shop_return, warehouse, operator
):
    api = client_for(operator)

    def build(returns: int):
        shipment = make_shipment([*[shop_return() for _ in range(returns)], ("SKU-A", 2)], [("SKU-B", 1)])
        carton = Carton.objects.filter(shipment=shipment).order_by("position").first()
        receipt = carton_receive(carton=carton, warehouse=warehouse, actor=operator).receipt
        carton_count_add(receipt=receipt, code="SKU-A", actor=operator)
        return shipment

    counts = []
    for shipment in (build(1), build(4)):
        counts.append(
            (
                get_queries(web, reverse("warehouse:shipment", args=[shipment.public_id]), warm=True),
                get_queries(
                    web,
                    reverse("warehouse:carton", kwargs={"public_id": shipment.public_id, "position": 1}),
                    warm=True,
                ),
                get_queries(api, f"/api/v1/warehouse/shipments/{shipment.public_id}/", warm=True),
            )
        )
    assert counts == [(SHIPMENT_PAGE_QUERIES, CARTON_PAGE_QUERIES, SHIPMENT_API_QUERIES)] * 2
