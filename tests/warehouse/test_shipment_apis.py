"""The warehouse API for shops' shipments: expected list, scan, carton receipt and count, finish, report."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment
from rma.warehouse.models import CartonReceipt, CountedItem
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/warehouse"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(operator):
    return client_for(operator)


def cartons_of(shipment):
    return list(Carton.objects.filter(shipment=shipment).order_by("position"))


def carton_api(shipment, position, what):
    return f"{API}/shipments/{shipment.public_id}/cartons/{position}/{what}/"


def test_expected_shipments_with_age_and_late_flag(api, make_shipment, other_warehouse):
    late = make_shipment([("SKU-A", 1)], [("SKU-B", 1)])
    Shipment.objects.filter(pk=late.pk).update(dispatched_at=timezone.now() - timedelta(days=5))
    announced = make_shipment([("SKU-A", 1)], dispatch=False)
    make_shipment([("SKU-A", 1)], warehouse=other_warehouse)

    response = api.get(f"{API}/shipments/expected/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["shipment"]["number"], r["late"], r["age_days"], r["carton_count"]) for r in rows] == [
        (late.number, True, 5, 2),
        (announced.number, False, 0, 1),
    ]
    assert rows[0]["shipment"]["store"] == "PAR01"
    assert rows[1]["shipment"]["status"] == "closed"
    assert api.get(f"{API}/shipments/expected/", {"warehouse": "WH-LYS"}).status_code == 404


def test_receive_count_and_finish_a_shipment_through_the_api(api, make_shipment, shop_return, second_operator):
    returned = shop_return(quantity=2)
    shipment = make_shipment([returned, ("SKU-A", 3)], [("SKU-B", 1)])
    first, second = cartons_of(shipment)

    scan = api.post(f"{API}/scan/", {"code": first.barcode}, format="json")
    assert scan.status_code == 200
    body = scan.json()
    assert (body["outcome"], body["shipment"]["number"], body["carton"]["barcode"]) == (
        "carton_received",
        shipment.number,
        first.barcode,
    )
    again = client_for(second_operator).post(carton_api(shipment, 1, "receive"))
    assert again.json()["outcome"] == "carton_already_received"
    assert "Alice Martin" in again.json()["message"]

    counted = api.post(carton_api(shipment, 1, "count"), {"code": returned.rma_number}, format="json")
    assert counted.status_code == 201
    assert counted.json()["received"] is True
    assert counted.json()["return_request"]["status"] == "received"
    assert ReturnRequest.objects.get(pk=returned.pk).status == S.RECEIVED
    sku = api.post(carton_api(shipment, 1, "count"), {"code": "SKU-A", "quantity": 2}, format="json").json()
    lines = {line["code"]: line for line in sku["carton"]["lines"]}
    assert (lines["SKU-A"]["announced"], lines["SKU-A"]["counted"], lines["SKU-A"]["state"]) == (3, 2, "short")
    mistake = api.post(carton_api(shipment, 1, "count"), {"code": "SKU-Q"}, format="json").json()["count"]
    removed = api.post(carton_api(shipment, 1, f"counts/{mistake['id']}/remove"))
    assert removed.status_code == 200
    assert not CountedItem.objects.filter(pk=mistake["id"]).exists()

    done = api.post(carton_api(shipment, 1, "finish"))
    assert done.status_code == 200
    assert done.json()["shipment_received"] is False
    late = client_for(second_operator).post(carton_api(shipment, 1, "count"), {"code": "SKU-A"}, format="json")
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "carton_already_counted"
    assert "Alice Martin" in late.json()["error"]["message"]
    not_received = api.post(carton_api(shipment, 2, "count"), {"code": "SKU-B"}, format="json")
    assert (not_received.status_code, not_received.json()["error"]["code"]) == (409, "carton_not_received")

    finished = api.post(f"{API}/shipments/{shipment.public_id}/finish/")
    assert finished.status_code == 200
    receiving = finished.json()["receiving"]
    assert receiving["shipment"]["status"] == "received_with_discrepancies"
    assert [(d["kind"], d["carton"], d["sku"], d["quantity"]) for d in receiving["discrepancies"]] == [
        ("missing", first.barcode, "SKU-A", 1),
        ("missing", second.barcode, "", 1),
    ]
    assert receiving["discrepancies"][1]["description"] == "Carton not received (1 unit announced)."
    detail = api.get(f"{API}/shipments/{shipment.public_id}/").json()
    assert [c["state"] for c in detail["cartons"]] == ["counted", "waiting"]
    assert detail["cartons"][0]["counts"][0]["rma_number"] == returned.rma_number
    assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.RECEIVED_WITH_DISCREPANCIES
    assert api.post(f"{API}/shipments/{shipment.public_id}/finish/").status_code == 409


def test_shipment_operations_are_for_its_warehouse_operators_only(make_shipment, outsider, clerk):
    shipment = make_shipment([("SKU-A", 1)])
    forbidden = client_for(clerk).get(f"{API}/shipments/{shipment.public_id}/")
    assert forbidden.status_code == 403
    for method, url in [
        ("get", f"{API}/shipments/{shipment.public_id}/"),
        ("post", carton_api(shipment, 1, "receive")),
        ("post", f"{API}/shipments/{shipment.public_id}/finish/"),
        ("post", carton_api(shipment, 9, "receive")),
    ]:
        response = getattr(client_for(outsider), method)(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    assert CartonReceipt.objects.count() == 0


def test_the_discrepancy_report_in_json_and_csv(api, make_shipment, warehouse, outsider):
    shipment = make_shipment([("SKU-A", 2)])
    api.post(carton_api(shipment, 1, "receive"))
    api.post(carton_api(shipment, 1, "count"), {"code": "SKU-X", "quantity": 2}, format="json")
    api.post(carton_api(shipment, 1, "finish"))

    response = api.get(f"{API}/reports/discrepancies/", {"store": "PAR01"})
    assert response.status_code == 200
    assert [(d["kind"], d["sku"], d["announced_sku"], d["store"]) for d in response.json()["results"]] == [
        ("wrong_item", "SKU-X", "SKU-A", "PAR01")
    ]
    assert api.get(f"{API}/reports/discrepancies/", {"store": "LYO01"}).json()["results"] == []
    assert api.get(f"{API}/reports/discrepancies/", {"kind": "nonsense"}).status_code == 400
    assert client_for(outsider).get(f"{API}/reports/discrepancies/").json()["results"] == []

    export = api.get(f"{API}/reports/discrepancies/", {"format": "csv"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [(r["kind"], r["sku"], r["announced_sku"], r["note"]) for r in rows] == [
        ("wrong_item", "SKU-X", "SKU-A", "SKU-X found instead of SKU-A.")
    ]


def test_the_schema_documents_the_shipment_operations():
    client = client_for(UserFactory(username="root3", is_superuser=True, is_staff=True))
    response = client.get("/api/v1/schema/", {"format": "json"})
    operations = {
        op["operationId"] for path in response.json()["paths"].values() for op in path.values() if "operationId" in op
    }
    assert {
        "warehouse_shipment_expected_list",
        "warehouse_shipment_retrieve",
        "warehouse_carton_receive",
        "warehouse_carton_count",
        "warehouse_carton_count_remove",
        "warehouse_carton_count_finish",
        "warehouse_shipment_receiving_finish",
        "warehouse_discrepancy_report",
    } <= operations


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/shipments/not-a-uuid/",
        f"{API}/reports/discrepancies/?start=2026-02-31",
        f"{API}/reports/discrepancies/?store=%00",
    ],
)
def test_hostile_input_is_a_4xx(api, url):
    response = api.get(url)
    assert 400 <= response.status_code < 500
