"""Pages and list endpoints run a fixed number of queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open

pytestmark = pytest.mark.django_db
# Pinned: a query more per request shows here; one per shipment, carton or item shows between the two cases.
PINNED = {"page": 9, "api": 4, "detail": 14, "api_detail": 8}


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


def count_queries(call):
    call()  # warm up per-user caches (roles)
    with CaptureQueriesContext(connection) as context:
        response = call()
    assert response.status_code == 200
    return len(context.captured_queries)


def test_lists_and_shipment_pages_do_not_grow_with_rows(client, store, clerk):
    client.force_login(clerk)
    api = APIClient()
    api.force_authenticate(clerk)
    last = add_shipments(store, clerk, 1)
    small = {
        "page": count_queries(lambda: client.get("/store/shipments/")),
        "api": count_queries(lambda: api.get("/api/v1/store/shipments/")),
        "detail": count_queries(lambda: client.get(f"/store/shipments/{last.public_id}/")),
        "api_detail": count_queries(lambda: api.get(f"/api/v1/store/shipments/{last.public_id}/")),
    }
    last = add_shipments(store, clerk, 5)
    for _carton in range(3):
        carton = carton_add(shipment=last, actor=clerk)
        for sku in ("C", "D", "E"):
            shipment_loose_item_add(shipment=last, carton=carton, sku=sku, quantity=1, kind="damaged", actor=clerk)
    large = {
        "page": count_queries(lambda: client.get("/store/shipments/")),
        "api": count_queries(lambda: api.get("/api/v1/store/shipments/")),
        "detail": count_queries(lambda: client.get(f"/store/shipments/{last.public_id}/")),
        "api_detail": count_queries(lambda: api.get(f"/api/v1/store/shipments/{last.public_id}/")),
    }
    assert large == small == PINNED
