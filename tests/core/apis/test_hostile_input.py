"""No 500 for anything a client can send: each of these is a 4xx with the JSON error shape."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(policy, warehouse, reason, relay, order_line):
    return {
        "order": "shop-1",
        "lines": [{"order_line": "L1", "quantity": 1, "reason": "too-small"}],
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
    }


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/orders/a%00b/",
        "/api/v1/orders/a%00b/eligibility/",
        "/api/v1/returns/a%00b/",
        "/api/v1/returns/?order=a%00b",
        "/api/v1/returns/?contact_email=%00",
        "/api/v1/returns/?created_after=9999-99-99",
        "/api/v1/drop-off-points/?postcode=%00",
        "/api/v1/drop-off-points/?lat=1e999&lng=2",
    ],
)
def test_hostile_query_strings_and_paths(agent, integration, url):
    client = integration if "/orders/" in url else agent

    response = client.get(url)

    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert "error" in response.json()


@pytest.mark.parametrize(
    "url", ["/api/v1/returns/?page_size=99999999999999999999", "/api/v1/reason-codes/?cursor=%00"]
)
def test_tolerated_pagination_parameters(agent, url):
    """An oversized page size is capped, an empty cursor is the first page."""
    response = agent.get(url)

    assert response.status_code == 200
    assert response.json()["previous"] is None


@pytest.mark.parametrize(
    "change",
    [
        {"order": "shop\x00-1"},
        {"lines": [{"order_line": "L\x001", "quantity": 1, "reason": "too-small"}]},
        {"lines": [{"order_line": "L1", "quantity": 10**30, "reason": "too-small"}]},
        {"lines": [{"order_line": "L1", "quantity": 1, "reason": "too-small", "comment": "x" * 5000}]},
        {"drop_off": {"method": "relay_point", "point_id": 10**30}},
        {"drop_off": {"method": "home_pickup", "pickup_date": "2026-02-31", "pickup_slot": "08:00-12:00"}},
        {"drop_off": {"method": "home_pickup", "pickup_date": "2020-01-01", "pickup_slot": "08:00-12:00"}},
        {"drop_off": "relay"},
        {"lines": [None]},
        {"submit": "maybe"},
    ],
)
def test_hostile_return_bodies(integration, body, change):
    response = integration.post("/api/v1/returns/", {**body, **change}, format="json")

    assert 400 <= response.status_code < 500, response.json()
    assert "error" in response.json()


@pytest.mark.parametrize(
    "order",
    [
        {"external_id": "x\x00", "number": "N1"},
        {"external_id": "x", "number": "N1", "customer_email": "a@b.fr", "placed_at": "2026-01-01T00:00:00Z",
         "lines": [{"sku": "S", "quantity": 1, "unit_price": "1e400"}]},
        {"external_id": "x", "number": "N1", "customer_email": "a@b.fr", "placed_at": "2026-01-01T00:00:00Z",
         "lines": [{"sku": "S", "quantity": 1, "unit_price": "NaN"}]},
        {"external_id": "x", "number": "N1", "customer_email": "a@b.fr", "placed_at": "2026-01-01T00:00:00Z",
         "lines": [{"sku": "S" * 500, "quantity": 1, "unit_price": "1.00"}]},
        {"external_id": "x", "number": "N1", "customer_email": "a@b.fr", "placed_at": "2026-01-01T00:00:00Z",
         "currency": "EURO", "lines": [{"sku": "S", "quantity": 1, "unit_price": "1.00"}]},
    ],
)  # fmt: skip
def test_hostile_orders(integration, order):
    single = integration.post("/api/v1/orders/", order, format="json")
    batch = integration.post("/api/v1/orders/batch/", [order], format="json")

    assert single.status_code == 400
    assert "error" in single.json()
    assert batch.status_code == 200
    assert batch.json()["results"][0]["error"]["code"] == "invalid"


def test_transition_bodies_must_be_objects(agent, make_return):
    draft = make_return(submit=False)

    response = agent.generic(
        "POST", f"/api/v1/returns/{draft.public_id}/cancel/", b"[1]", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
