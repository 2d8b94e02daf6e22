"""The shop API: same rules and scope as the pages."""

import pytest
from rest_framework.test import APIClient

from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import CounterCheck, Shipment, ShipmentItem
from tests.core.factories import UserFactory
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/store"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(clerk):
    return client_for(clerk)


def test_only_store_staff_and_superusers_may_call_the_api(clerk, store):
    for role in ("agent", "warehouse_staff", "integration"):
        response = client_for(UserFactory(username=f"u-{role}", roles=[role])).get(f"{API}/shipments/")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    assert APIClient().get(f"{API}/shipments/").status_code in (401, 403)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert [s["code"] for s in client_for(root).get(f"{API}/stores/").json()] == ["PAR01"]
    assert [s["code"] for s in client_for(clerk).get(f"{API}/stores/").json()] == ["PAR01"]


def test_counter_scan_and_check_through_the_api(api, make_return):
    return_request = make_return(lines=2)
    found = api.post(f"{API}/counter/scan/", {"code": return_request.rma_number}, format="json")
    assert found.status_code == 200
    body = found.json()
    assert body["can_check"] is True
    first, second = (line["line_id"] for line in body["lines"])
    response = api.post(
        f"{API}/returns/{return_request.public_id}/check/",
        {
            "lines": [
                {"line_id": first, "condition": "as_new", "accepted": True},
                {"line_id": second, "condition": "damaged", "accepted": False, "refusal_reason": "Cracked"},
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["accepted_units"] == 1
    assert response.json()["return_request"]["status"] == "in_transit"
    assert response.json()["return_request"]["lines"][1]["counter_check"]["refusal_reason"] == "Cracked"
    again = api.post(
        f"{API}/returns/{return_request.public_id}/check/",
        {"lines": [{"line_id": first, "condition": "good", "accepted": True}]},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_handed_in"
    receipt = api.get(f"{API}/returns/{return_request.public_id}/receipt/?size=80mm")
    assert receipt.status_code == 200
    assert receipt.content.startswith(b"%PDF")


def test_bad_counter_input_gets_the_error_shape(api, make_return, other_store):
    unknown = api.post(f"{API}/counter/scan/", {"code": "R-ZZZZ-ZZZZ"}, format="json")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_code"
    theirs = make_return(at=other_store)
    other = api.post(f"{API}/counter/scan/", {"code": theirs.rma_number}, format="json")
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "other_store"
    assert api.get(f"{API}/returns/{theirs.public_id}/").status_code == 404
    check = api.post(
        f"{API}/returns/{theirs.public_id}/check/",
        {"lines": [{"line_id": 1, "condition": "good", "accepted": True}]},
        format="json",
    )
    assert check.status_code == 404
    mine = make_return()
    line_id = mine.lines.get().pk
    no_reason = api.post(
        f"{API}/returns/{mine.public_id}/check/",
        {"lines": [{"line_id": line_id, "condition": "good", "accepted": False}]},
        format="json",
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["code"] == "refusal_reason_required"
    bad_condition = api.post(
        f"{API}/returns/{mine.public_id}/check/",
        {"lines": [{"line_id": line_id, "condition": "shiny", "accepted": True}]},
        format="json",
    )
    assert bad_condition.status_code == 400
    assert bad_condition.json()["error"]["code"] == "invalid"
    assert not CounterCheck.objects.exists()


def test_start_a_return_through_the_api(api, store, reason, policy):
    line = OrderLineFactory(order__number="ML9001", order__customer_email="a@example.fr", sku="SKU-START")
    payload = {
        "order_number": "ML9001",
        "email_or_postcode": "a@example.fr",
        "lines": [{"sku": "SKU-START", "quantity": 1, "reason": reason.code}],
    }
    response = api.post(f"{API}/counter/returns/", payload, format="json")
    assert response.status_code == 201, response.json()
    return_request = ReturnRequest.objects.get(public_id=response.json()["public_id"])
    assert (return_request.channel, return_request.store, return_request.order) == ("store", store, line.order)
    wrong = api.post(f"{API}/counter/returns/", {**payload, "email_or_postcode": "b@example.fr"}, format="json")
    assert wrong.status_code == 404
    too_many = api.post(
        f"{API}/counter/returns/",
        {**payload, "lines": [{"sku": "SKU-START", "quantity": 5, "reason": reason.code}]},
        format="json",
    )
    assert too_many.status_code == 422
    assert too_many.json()["error"]["code"] == "over_quantity"


def test_a_whole_shipment_through_the_api(api, store, make_return, hand_in, clerk, other_warehouse):
    handed = hand_in(make_return(quantity=2))
    opened = api.post(f"{API}/shipments/", {}, format="json")
    assert opened.status_code == 201
    shipment = opened.json()
    base = f"{API}/shipments/{shipment['public_id']}"
    assert shipment["number"] == "SH-PAR01-000001"
    assert shipment["warehouse"] == "WH-IDF"
    assert api.post(f"{base}/warehouse/", {"warehouse": "WH-LYS"}, format="json").json()["warehouse"] == "WH-LYS"
    api.post(f"{base}/warehouse/", {"warehouse": "WH-IDF"}, format="json")
    assert api.post(f"{base}/cartons/").json()["barcode"] == "CT-SH-PAR01-000001-01"
    assert api.post(f"{base}/cartons/").status_code == 201
    added = api.post(f"{base}/items/", {"carton": 1, "code": handed.rma_number}, format="json")
    assert added.status_code == 201
    assert added.json()["item"]["rma_number"] == handed.rma_number
    loose = api.post(f"{base}/items/", {"carton": 2, "sku": "SKU-9", "quantity": 2, "kind": "unsold"}, format="json")
    assert loose.status_code == 201
    mistake = api.post(f"{base}/items/", {"carton": 2, "sku": "X-1", "kind": "damaged"}, format="json").json()
    assert api.post(f"{base}/items/{mistake['item']['id']}/remove/").status_code == 200
    both = api.post(f"{base}/items/", {"carton": 1, "code": "R-1", "sku": "X"}, format="json")
    assert both.status_code == 400
    assert api.post(f"{base}/items/", {"carton": 9, "sku": "X", "kind": "unsold"}, format="json").status_code == 404
    duplicate = api.post(f"{base}/items/", {"carton": 2, "code": handed.rma_number}, format="json")
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "already_in_shipment"
    assert api.post(f"{base}/cartons/2/weight/", {"weight_grams": 3100}, format="json").json()["weight_grams"] == 3100
    detail = api.get(f"{base}/").json()
    assert detail["totals"] == {"cartons": 2, "scans": 2, "units": 4, "returns": 1, "weight_grams": 3100}
    assert api.get(f"{base}/manifest.csv").status_code == 404  # not before close
    closed = api.post(f"{base}/close/")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    late = api.post(f"{base}/items/", {"carton": 1, "sku": "SKU-LATE", "kind": "unsold"}, format="json")
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "shipment_not_open"
    manifest = api.get(f"{base}/manifest.csv")
    assert manifest.status_code == 200
    assert handed.rma_number in b"".join(manifest.streaming_content).decode("utf-8-sig")
    assert b"".join(api.get(f"{base}/manifest.pdf").streaming_content).startswith(b"%PDF")
    assert b"^XA" in b"".join(api.get(f"{base}/cartons/1/label.zpl").streaming_content)
    assert api.get(f"{base}/cartons/1/barcode.pdf").content.startswith(b"%PDF")
    dispatched = api.post(f"{base}/dispatch/", {"pickup_reference": "PU-7"}, format="json")
    assert dispatched.json()["status"] == "dispatched"
    assert api.post(f"{base}/dispatch/", {}, format="json").status_code == 409
    listing = api.get(f"{API}/shipments/?status=dispatched").json()
    assert [s["number"] for s in listing["results"]] == ["SH-PAR01-000001"]
    assert ShipmentItem.objects.filter(removed_at__isnull=True).count() == 2
    handed.refresh_from_db()
    assert handed.status == S.IN_TRANSIT


def test_a_shop_sees_nothing_of_another_shop_through_the_api(other_clerk, store, clerk):
    from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open

    shipment = shipment_open(store=store, actor=clerk)
    carton = carton_add(shipment=shipment, actor=clerk)
    shipment_loose_item_add(shipment=shipment, carton=carton, sku="S", quantity=1, kind="unsold", actor=clerk)
    api = client_for(other_clerk)
    base = f"{API}/shipments/{shipment.public_id}"
    assert api.get(f"{base}/").status_code == 404
    assert api.get(f"{base}/cartons/1/barcode.pdf").status_code == 404
    for url in (f"{base}/close/", f"{base}/cartons/", f"{base}/dispatch/"):
        assert api.post(url, {}, format="json").status_code == 404
    assert api.post(f"{base}/items/", {"carton": 1, "sku": "Y", "kind": "unsold"}, format="json").status_code == 404
    assert api.get(f"{API}/shipments/").json()["results"] == []
    assert api.get(f"{API}/shipments/?store=PAR01").status_code == 404
    assert api.post(f"{API}/shipments/", {"store": "PAR01"}, format="json").status_code == 404
    assert Shipment.objects.get().status == ShipmentStatus.OPEN
    assert ShipmentItem.objects.count() == 1
