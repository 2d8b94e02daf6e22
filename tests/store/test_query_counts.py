"""Pages and list endpoints run a fixed number of queries whatever the number of rows."""

import pytest
from rest_framework.test import APIClient

from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open
from tests.helpers import queries_of

pytestmark = pytest.mark.django_db
# Pinned: a query more per request shows here; one per shipment, carton or item shows between the two cases.
PINNED = {"page": 8, "api": 4, "detail": 13, "api_detail": 8}


def add_shipments(store, clerk, count):
    for _ in range(count):
        shipment = shipment_open(store=store, actor=clerk)
        for _carton in range(2):
            carton = carton_add(shipment=shipment, actor=clerk)
            for sku in ("A", "B"):
                shipment_loose_item_add(
                    shipment=shipment, carton=carton, sku=sku, quantity=1, kind="unsold", actor=clerk
                )
    return shipment


def test_lists_and_shipment_pages_do_not_grow_with_rows(client, store, clerk):
    client.force_login(clerk)
    api = APIClient()
    api.force_authenticate(clerk)
    last = add_shipments(store, clerk, 1)
    small = {
        "page": queries_of(lambda: client.get("/store/shipments/"), warm=True),
        "api": queries_of(lambda: api.get("/api/v1/store/shipments/"), warm=True),
        "detail": queries_of(lambda: client.get(f"/store/shipments/{last.public_id}/"), warm=True),
        "api_detail": queries_of(lambda: api.get(f"/api/v1/store/shipments/{last.public_id}/"), warm=True),
    }
    last = add_shipments(store, clerk, 5)
    for _carton in range(3):
        carton = carton_add(shipment=last, actor=clerk)
        for sku in ("C", "D", "E"):
            shipment_loose_item_add(shipment=last, carton=carton, sku=sku, quantity=1, kind="damaged", actor=clerk)
    large = {
        "page": queries_of(lambda: client.get("/store/shipments/"), warm=True),
        "api": queries_of(lambda: api.get("/api/v1/store/shipments/"), warm=True),
        "detail": queries_of(lambda: client.get(f"/store/shipments/{last.public_id}/"), warm=True),
        "api_detail": queries_of(lambda: api.get(f"/api/v1/store/shipments/{last.public_id}/"), warm=True),
    }
    assert large == small == PINNED
