import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db
# Pinned: a query more per read shows here; one per line shows between two lines and eight.
ORDER_DETAIL_QUERIES = 5

PAYLOAD = {
    "external_id": "shop-184467",
    "number": "ML184467",
    "channel": "web",
    "customer_email": "Chloe.Martin@example.fr",
    "customer_name": "Chloé Martin",
    "placed_at": "2026-11-02T10:15:00+01:00",
    "delivered_at": "2026-11-05T14:00:00+01:00",
    "address": {"address_line1": "8 rue des Lilas", "postcode": "69003", "city": "Lyon", "latitude": 45.7597},
    "lines": [
        {"external_id": "184467-1", "sku": "CHE-LIN-M", "name": "Chemise en lin", "quantity": 2, "unit_price": "49.9"},
        {"external_id": "184467-2", "sku": "MAI-BAI-S", "quantity": 1, "unit_price": 39.9, "final_sale": True},
    ],
}


def payload(**changes):
    data = copy.deepcopy(PAYLOAD)
    data.update(changes)
    return data


def test_upsert_creates_then_is_idempotent_then_updates(integration):
    created = integration.post("/api/v1/orders/", PAYLOAD, format="json")

    assert created.status_code == 201
    body = created.json()
    assert body["outcome"] == "created"
    assert body["order"]["number"] == "ML184467"
    assert body["order"]["customer_email"] == "chloe.martin@example.fr"
    assert body["order"]["address"]["city"] == "Lyon"
    assert [(line["external_id"], line["quantity"], line["unit_price"]) for line in body["order"]["lines"]] == [
        ("184467-1", 2, "49.90"),
        ("184467-2", 1, "39.90"),
    ]
    assert body["order"]["lines"][1]["non_returnable_reason"] == "final_sale"

    again = integration.post("/api/v1/orders/", PAYLOAD, format="json")
    assert again.status_code == 200
    assert again.json()["outcome"] == "unchanged"
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 2

    changed = integration.post("/api/v1/orders/", payload(customer_name="Chloé Martin-Durand"), format="json")
    assert changed.status_code == 200
    assert changed.json()["outcome"] == "updated"
    assert Order.objects.get().customer_name == "Chloé Martin-Durand"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (payload(customer_email="not-an-email"), "customer_email"),
        (payload(placed_at="yesterday"), "placed_at"),
        (payload(lines=[]), "lines"),
        (payload(channel="carrier-pigeon"), "channel"),
        (payload(lines=[{"sku": "X", "quantity": "two", "unit_price": "1.00"}]), "lines"),
        (payload(lines=[{"sku": "X", "quantity": 1, "unit_price": "-1"}]), "lines"),
        (payload(address="8 rue des Lilas"), "address"),
        ({k: v for k, v in PAYLOAD.items() if k != "external_id"}, "external_id"),
    ],
)
def test_upsert_validation_errors_are_400_json_naming_the_field(integration, body, field):
    response = integration.post("/api/v1/orders/", body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["details"]
    assert not Order.objects.exists()


def test_an_order_number_that_is_another_orders_is_a_409_conflict(integration):
    """The payload is valid: what is already stored conflicts with it (so a client does not fix and resend it)."""
    integration.post("/api/v1/orders/", PAYLOAD, format="json")

    response = integration.post("/api/v1/orders/", payload(external_id="shop-other"), format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "order_conflict"
    assert "ML184467" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (payload(number=184467), "number"),
        (payload(customer_name=True), "customer_name"),
        (payload(lines=[{"sku": 12345, "quantity": 1, "unit_price": "1.00"}]), "lines"),
        (payload(lines=[{"sku": "X", "quantity": "2", "unit_price": "1.00"}]), "lines"),
        (payload(lines=[{"sku": "X", "quantity": 1, "unit_price": "1.00", "final_sale": "yes"}]), "lines"),
        (payload(lines=[{"sku": "X", "quantity": 1, "unit_price": "1.00", "has_serial_number": 0}]), "lines"),
    ],
)
def test_a_json_value_of_the_wrong_type_is_400_not_converted(integration, body, field):
    """A number is not text, "2" is not a number, "yes" is not true: the schema's types, as JSON says them."""
    response = integration.post("/api/v1/orders/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"just a string"', b"null"])
def test_upsert_malformed_bodies_are_400_json(integration, body):
    response = integration.generic("POST", "/api/v1/orders/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"parse_error", "invalid"}


def test_orders_are_for_integrations_agents_and_superusers_only(store_staff, warehouse_staff, agent, superuser):
    assert store_staff.post("/api/v1/orders/", PAYLOAD, format="json").status_code == 403
    assert warehouse_staff.get("/api/v1/orders/shop-184467/").status_code == 403
    assert agent.post("/api/v1/orders/", PAYLOAD, format="json").status_code == 201
    assert superuser.get("/api/v1/orders/shop-184467/").status_code == 200


def test_batch_upserts_the_good_orders_and_reports_the_bad_ones(integration):
    integration.post("/api/v1/orders/", payload(external_id="shop-0", number="ML0"), format="json")
    orders = [
        payload(external_id="shop-0", number="ML0"),  # unchanged
        payload(external_id="shop-1", number="ML1"),  # created
        payload(external_id="shop-2", number="ML2", customer_email="nope"),  # invalid input
        payload(external_id="shop-3", number="ML1"),  # number taken by shop-1: a conflict
        "not an order",
        payload(external_id="shop-4", number="ML4"),  # created, after the failures
    ]

    response = integration.post("/api/v1/orders/batch/", {"orders": orders}, format="json")

    assert response.status_code == 200
    body = response.json()
    results = body["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3, 4, 5]
    assert results[0] == {"index": 0, "external_id": "shop-0", "outcome": "unchanged"}
    assert results[1] == {"index": 1, "external_id": "shop-1", "outcome": "created"}
    assert results[2]["external_id"] == "shop-2"
    assert results[2]["error"]["code"] == "invalid"
    assert "customer_email" in results[2]["error"]["details"]
    assert results[3]["error"]["code"] == "order_conflict"
    assert results[4]["external_id"] is None
    assert results[4]["error"]["code"] == "invalid"
    assert results[5]["outcome"] == "created"
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 1, "failed": 3}
    assert set(Order.objects.values_list("external_id", flat=True)) == {"shop-0", "shop-1", "shop-4"}


def test_batch_failure_rolls_back_only_that_order(integration, make_return):
    """Removing a line that is in a return fails after the order row was updated: that update is undone."""
    integration.post("/api/v1/orders/", PAYLOAD, format="json")
    make_return(order_line=OrderLine.objects.get(external_id="184467-1"))
    renamed_without_line_1 = payload(customer_name="Renamed", lines=[PAYLOAD["lines"][1]])

    response = integration.post(
        "/api/v1/orders/batch/", [renamed_without_line_1, payload(external_id="shop-9", number="ML9")], format="json"
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["error"]["code"] == "order_conflict"
    assert "184467-1" in results[0]["error"]["message"]
    assert results[1]["outcome"] == "created"
    assert Order.objects.get(external_id="shop-184467").customer_name == "Chloé Martin"
    assert OrderLine.objects.filter(order__external_id="shop-184467").count() == 2


def test_batch_accepts_a_bare_list_and_enforces_the_limit(integration, settings):
    settings.RMA_MAX_BATCH_ORDERS = 2
    good = [payload(external_id=f"shop-{i}", number=f"ML{i}") for i in range(2)]

    ok = integration.post("/api/v1/orders/batch/", good, format="json")
    too_many = integration.post("/api/v1/orders/batch/", {"orders": [*good, good[0]]}, format="json")
    empty = integration.post("/api/v1/orders/batch/", {"orders": []}, format="json")

    assert ok.status_code == 200
    assert ok.json()["counts"]["unchanged"] + ok.json()["counts"]["created"] == 2
    assert too_many.status_code == 400
    assert "orders" in too_many.json()["error"]["details"]
    assert empty.status_code == 400


def test_read_an_order_with_its_lines(integration):
    integration.post("/api/v1/orders/", PAYLOAD, format="json")

    with CaptureQueriesContext(connection) as queries:
        response = integration.get("/api/v1/orders/shop-184467/")

    assert response.status_code == 200
    body = response.json()
    assert body["external_id"] == "shop-184467"
    assert [line["sku"] for line in body["lines"]] == ["CHE-LIN-M", "MAI-BAI-S"]
    assert len(queries) == ORDER_DETAIL_QUERIES


def test_an_order_with_eight_lines_costs_what_one_with_two_does(integration):
    lines = [{**PAYLOAD["lines"][0], "external_id": f"l{index}", "sku": f"SKU-{index}"} for index in range(8)]
    integration.post(
        "/api/v1/orders/", {**PAYLOAD, "external_id": "shop-8", "number": "ML8", "lines": lines}, format="json"
    )
    with CaptureQueriesContext(connection) as queries:
        assert len(integration.get("/api/v1/orders/shop-8/").json()["lines"]) == 8
    assert len(queries) == ORDER_DETAIL_QUERIES


def test_read_an_unknown_order_is_404_json(integration):
    response = integration.get("/api/v1/orders/nope/")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": response.json()["error"]["message"]}}
