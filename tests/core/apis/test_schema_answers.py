"""Answers the OpenAPI schema documents, found by schemathesis (test_schemathesis.py), pinned one by one."""

import re

import pytest
from django.test import override_settings

from rma.shipping.models import Shipment

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document(django_db_setup, django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def component(document, name):
    return document["components"]["schemas"][name]["properties"]


@pytest.mark.parametrize("page_size", ["null", "", "0", "-1", "1.5", "ten"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_400(agent, page_size):
    response = agent.get("/api/v1/returns/", {"page_size": page_size})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "page_size" in response.json()["error"]["details"]


def test_paginated_lists_document_page_size_400_and_cursor_404(document):
    listing = document["paths"]["/api/v1/store/shipments/"]["get"]

    assert {"400", "404"} <= set(listing["responses"])
    page_size = next(p for p in listing["parameters"] if p["name"] == "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1}


def test_outputs_that_can_be_null_are_nullable(document):
    shipment = component(document, "ShipmentSummary")
    item = component(document, "Item")

    assert shipment["closed_at"].get("nullable")
    assert shipment["dispatched_at"].get("nullable")
    assert item["rma_number"].get("nullable")  # a loose item belongs to no return


@override_settings(RMA_MAX_BATCH_ORDERS=2)
@pytest.mark.parametrize("body", [[], {"orders": []}, {}])
def test_an_empty_batch_is_400_and_the_schema_says_so(integration, body, document):
    response = integration.post("/api/v1/orders/batch/", body, format="json")

    assert response.status_code == 400
    operation = document["paths"]["/api/v1/orders/batch/"]["post"]
    assert operation["requestBody"]["required"] is True
    assert list(operation["requestBody"]["content"]) == ["application/json"]


def test_a_list_that_refuses_to_be_empty_says_so(document):
    assert component(document, "ReturnRequestCreateRequest")["lines"]["minItems"] == 1


@pytest.mark.parametrize("status", ["", "shipped", "OPEN"])
def test_an_unknown_shipment_status_filter_is_400(store_staff, status):
    response = store_staff.get("/api/v1/store/shipments/", {"status": status})

    assert response.status_code == 400
    assert "status" in response.json()["error"]["details"]


@pytest.mark.parametrize("lang", ["", "de"])
def test_an_empty_or_unknown_language_is_400(agent, lang):
    assert agent.get("/api/v1/reason-codes/", {"lang": lang}).status_code == 400


def test_a_shop_that_is_not_yours_is_not_found(store_staff, other_store):
    response = store_staff.post("/api/v1/store/shipments/", {"store": other_store.code}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["details"] == {"store": [response.json()["error"]["message"]]}


def test_a_shipment_is_opened_from_json_only_never_from_an_empty_form(store_staff):
    """Every field is optional, so an empty form body would open a shipment nobody described: it is refused."""
    response = store_staff.post("/api/v1/store/shipments/", {}, format="multipart")

    assert response.status_code == 415
    assert not Shipment.objects.exists()
    assert store_staff.post("/api/v1/store/shipments/", {}, format="json").status_code == 201


def test_an_unknown_counter_code_is_not_found(store_staff):
    response = store_staff.post("/api/v1/store/counter/scan/", {"code": "R-ZZZZ-ZZZZ"}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_code"


def test_an_empty_report_date_is_400(warehouse_staff):
    response = warehouse_staff.get("/api/v1/warehouse/reports/discrepancies/", {"start": ""})

    assert response.status_code == 400


def test_the_returns_url_allows_what_it_serves(agent):
    response = agent.options("/api/v1/returns/")

    assert set(response["Allow"].split(", ")) == {"GET", "POST", "OPTIONS"}


def test_a_coordinate_is_a_number_not_a_boolean(integration):
    order = {
        "external_id": "shop-9",
        "number": "ML9",
        "customer_email": "a@example.fr",
        "placed_at": "2026-11-02T10:15:00+01:00",
        "address": {"latitude": 45.0, "longitude": False},
        "lines": [{"sku": "SKU-1", "quantity": 1, "unit_price": "9.90"}],
    }

    response = integration.post("/api/v1/orders/", order, format="json")

    assert response.status_code == 400
    assert "longitude" in response.json()["error"]["details"]["address"]


def test_a_batch_may_hold_anything_each_item_answering_for_itself(integration):
    response = integration.post("/api/v1/orders/batch/", [None, "x"], format="json")

    assert response.status_code == 200
    assert response.json()["counts"]["failed"] == 2


def test_a_price_pattern_refuses_what_the_field_refuses(document):
    text, _number = component(document, "OrderLineInputRequest")["unit_price"]["oneOf"]
    pattern = re.compile(text["pattern"])

    assert not [text for text in ("", "-", ".", "-1", "1.234", "123456789") if pattern.search(text)]
    assert all(pattern.search(text) for text in ("49.90", "49", "49.", ".5", "0"))


def test_a_price_in_a_request_is_a_decimal_string_or_a_json_number_with_cents_at_most(document):
    text, number = component(document, "OrderLineInputRequest")["unit_price"]["oneOf"]

    assert (text["type"], text["format"]) == ("string", "decimal")
    assert number == {
        "type": "number",
        "multipleOf": 0.01,
        "minimum": 0.0,
        "exclusiveMinimum": False,
        "maximum": 100000000.0,
        "exclusiveMaximum": True,
    }
