import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

OUR_PATHS = {
    "/api/v1/orders/": {"post"},
    "/api/v1/orders/batch/": {"post"},
    "/api/v1/orders/{external_id}/": {"get"},
    "/api/v1/orders/{external_id}/eligibility/": {"get"},
    "/api/v1/reason-codes/": {"get"},
    "/api/v1/drop-off-points/": {"get"},
    "/api/v1/returns/": {"get", "post"},
    "/api/v1/returns/{public_id}/": {"get"},
    "/api/v1/returns/{public_id}/submit/": {"post"},
    "/api/v1/returns/{public_id}/cancel/": {"post"},
    "/api/v1/returns/{public_id}/approve/": {"post"},
    "/api/v1/returns/{public_id}/reject/": {"post"},
}


def test_schema_is_openapi_3_with_every_endpoint_and_its_error_codes(anonymous):
    response = anonymous.get("/api/v1/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3")
    for path, methods in OUR_PATHS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path
    create = schema["paths"]["/api/v1/returns/"]["post"]
    assert create["operationId"] == "returns_create"
    assert {"200", "201", "400", "401", "403", "409", "422"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    listing = schema["paths"]["/api/v1/returns/"]["get"]
    filters = {"status", "order", "contact_email", "channel", "created_after", "created_before", "store", "warehouse"}
    assert filters <= {p["name"] for p in listing["parameters"]}
    assert "cursor" in {p["name"] for p in listing["parameters"]}
    operation_ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_docs_render_without_any_cdn(anonymous):
    response = anonymous.get("/api/v1/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode().lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "/api/v1/schema/" in page
    for cdn in ("cdn", "unpkg", "jsdelivr"):
        assert cdn not in page


def test_a_real_token_header_authenticates(integration_user):
    response = client_for(integration_user).get("/api/v1/orders/unknown/")

    assert response.status_code == 404  # authenticated and allowed: the order is just not there
    assert response.json()["error"]["code"] == "not_found"


def test_a_wrong_token_is_401_json(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = anonymous.get(reverse("api-reason-code-list"))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/orders/"),
        ("post", "/api/v1/orders/batch/"),
        ("get", "/api/v1/orders/shop-1/"),
        ("get", "/api/v1/orders/shop-1/eligibility/"),
        ("get", "/api/v1/reason-codes/"),
        ("get", "/api/v1/drop-off-points/?postcode=75011"),
        ("get", "/api/v1/returns/"),
        ("post", "/api/v1/returns/"),
        ("get", "/api/v1/returns/0b6f8c5e-3f0c-4d7e-9a51-6f7a2b1c9d40/"),
        ("post", "/api/v1/returns/0b6f8c5e-3f0c-4d7e-9a51-6f7a2b1c9d40/submit/"),
        ("post", "/api/v1/returns/0b6f8c5e-3f0c-4d7e-9a51-6f7a2b1c9d40/cancel/"),
        ("post", "/api/v1/returns/0b6f8c5e-3f0c-4d7e-9a51-6f7a2b1c9d40/approve/"),
        ("post", "/api/v1/returns/0b6f8c5e-3f0c-4d7e-9a51-6f7a2b1c9d40/reject/"),
    ],
)
def test_every_endpoint_refuses_anonymous_with_401_and_no_role_with_403(anonymous, method, url):
    response = getattr(anonymous, method)(url, {}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"

    response = getattr(client_for(UserFactory(username="no-role")), method)(url, {}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_session_authentication_also_works_for_reads(agent_user):
    client = APIClient()
    client.force_login(agent_user)

    assert client.get("/api/v1/returns/").status_code == 200


def test_unsupported_method_on_the_returns_collection_is_405_json(agent):
    response = agent.delete("/api/v1/returns/")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
