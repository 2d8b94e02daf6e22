from datetime import timedelta

import pytest
from django.utils import timezone

from rma.core import roles
from rma.orders.models import OrderLine
from rma.returns.models import ReturnRequest
from tests.conftest import client_for
from tests.core.factories import UserFactory
from tests.locations.factories import StoreFactory
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(policy, warehouse, reason, relay, order_line):
    return {
        "order": "shop-1",
        "lines": [{"order_line": "L1", "quantity": 1, "reason": "too-small", "comment": "Taille trop juste"}],
        "resolution": "refund",
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
    }


def test_integration_creates_a_draft_through_the_api_channel(integration, body, order_line, relay, warehouse):
    response = integration.post("/api/v1/returns/", body, format="json")

    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "draft"
    assert data["channel"] == "api"
    assert data["order"] == {"external_id": "shop-1", "number": "ML1"}
    assert data["contact_email"] == order_line.order.customer_email
    assert data["drop_off"]["method"] == "relay_point"
    assert data["drop_off"]["point"]["id"] == relay.pk
    assert data["destination_warehouse"] == warehouse.code
    assert data["lines"] == [
        {
            "order_line": "L1",
            "sku": order_line.sku,
            "name": order_line.name,
            "unit_price": "49.90",
            "quantity": 1,
            "reason": {"code": "too-small", "label": "Trop petit"},
            "comment": "Taille trop juste",
            "exchange_sku": "",
            "photos": [],
        }
    ]
    assert data["timeline"][0]["from"] == ""
    assert data["timeline"][0]["to"] == "draft"
    assert data["timeline"][0]["by"] == "shop-api"
    assert data["label"] is None
    rr = ReturnRequest.objects.get(public_id=data["public_id"])
    assert rr.created_by.username == "shop-api"
    order_line.refresh_from_db()
    assert order_line.quantity_in_returns == 1


def test_order_can_be_named_by_number_and_submit_approves_by_policy(agent, body):
    response = agent.post("/api/v1/returns/", {**body, "order": "ML1", "submit": True}, format="json")

    assert response.status_code == 201
    data = response.json()
    assert data["channel"] == "agent"
    assert data["status"] == "approved"
    assert [(e["from"], e["to"]) for e in data["timeline"]] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]
    assert data["timeline"][2]["by"] == "policy"
    assert data["send_by"] is not None


def test_home_pickup(integration, body):
    pickup_date = timezone.localdate() + timedelta(days=2)
    if pickup_date.isoweekday() == 7:
        pickup_date += timedelta(days=1)
    drop_off = {"method": "home_pickup", "pickup_date": pickup_date.isoformat(), "pickup_slot": "08:00-12:00"}

    response = integration.post("/api/v1/returns/", {**body, "drop_off": drop_off}, format="json")

    assert response.status_code == 201
    assert response.json()["drop_off"] == {
        "method": "home_pickup",
        "point": None,
        "pickup_date": pickup_date.isoformat(),
        "pickup_slot": "08:00-12:00",
    }


def test_exchange_needs_the_sku_wanted(integration, body, order_line):
    # Another size of the same product, seen in another order.
    OrderLine.objects.filter(pk=order_line.pk).update(product_ref="CHE-LIN")
    OrderLineFactory(sku="CHE-LIN-BLA-L", product_ref="CHE-LIN")
    exchange = {**body, "resolution": "exchange"}
    with_sku = {**exchange, "lines": [{**body["lines"][0], "exchange_sku": "CHE-LIN-BLA-L"}]}

    missing = integration.post("/api/v1/returns/", exchange, format="json")
    created = integration.post("/api/v1/returns/", with_sku, format="json")

    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "exchange_sku_required"
    assert created.status_code == 201
    assert created.json()["resolution"] == "exchange"
    assert created.json()["lines"][0]["exchange_sku"] == "CHE-LIN-BLA-L"
    assert created.json()["refund_estimate"] == "0.00"


def test_same_idempotency_key_gives_back_the_same_return(integration, body, order_line):
    first = integration.post("/api/v1/returns/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-123")
    second = integration.post("/api/v1/returns/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-123")

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["public_id"] == first.json()["public_id"]
    assert ReturnRequest.objects.count() == 1
    order_line.refresh_from_db()
    assert order_line.quantity_in_returns == 1


def test_same_key_with_a_different_body_is_409(integration, body):
    integration.post("/api/v1/returns/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-123")
    changed = {**body, "lines": [{**body["lines"][0], "quantity": 2}]}

    response = integration.post("/api/v1/returns/", changed, format="json", HTTP_IDEMPOTENCY_KEY="k-123")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert ReturnRequest.objects.count() == 1


def test_keys_are_per_user(integration, agent, body):
    first = integration.post("/api/v1/returns/", body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    other_line = OrderLineFactory(order=OrderLine.objects.get(external_id="L1").order, external_id="L2")
    other_body = {**body, "lines": [{**body["lines"][0], "order_line": other_line.external_id}]}

    second = agent.post("/api/v1/returns/", other_body, format="json", HTTP_IDEMPOTENCY_KEY="shared")

    assert second.status_code == 201
    assert second.json()["public_id"] != first.json()["public_id"]


def test_without_a_key_each_post_creates_a_return(integration, body):
    integration.post("/api/v1/returns/", body, format="json")
    response = integration.post("/api/v1/returns/", body, format="json")

    assert response.status_code == 201
    assert ReturnRequest.objects.count() == 2


def test_an_overlong_idempotency_key_is_400(integration, body):
    response = integration.post("/api/v1/returns/", body, format="json", HTTP_IDEMPOTENCY_KEY="k" * 129)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["details"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"lines": []}, ("lines",)),
        ({"lines": [{"order_line": "L1", "quantity": 0, "reason": "too-small"}]}, ("lines", "0", "quantity")),
        ({"lines": [{"order_line": "L1", "quantity": "one", "reason": "too-small"}]}, ("lines", "0", "quantity")),
        ({"lines": "L1"}, ("lines",)),
        ({"drop_off": {"method": "by_drone"}}, ("drop_off", "method")),
        ({"drop_off": {"method": "relay_point", "point_id": "abc"}}, ("drop_off", "point_id")),
        ({"resolution": "cash"}, ("resolution",)),
        ({"contact_email": "nope"}, ("contact_email",)),
        ({"locale": "de"}, ("locale",)),
    ],
)
def test_bad_input_is_400_naming_the_field(integration, body, change, path):
    response = integration.post("/api/v1/returns/", {**body, **change}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    details = error["details"]
    for key in path:
        details = details[key]
    assert details
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"order": "nope"}, ("order",)),
        ({"lines": [{"order_line": "L9", "quantity": 1, "reason": "too-small"}]}, ("lines", "0", "order_line")),
        ({"lines": [{"order_line": "L1", "quantity": 1, "reason": "bored"}]}, ("lines", "0", "reason")),
        ({"drop_off": {"method": "relay_point", "point_id": 999999}}, ("drop_off", "point_id")),
        ({"store": "NOPE"}, ("store",)),
    ],
)
def test_an_unknown_reference_is_404_naming_the_field(integration, body, change, path):
    """A well-formed body naming something that is not there: not found, like an unknown URL (as documented)."""
    response = integration.post("/api/v1/returns/", {**body, **change}, format="json")

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    details = error["details"]
    for key in path:
        details = details[key]
    assert details
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize("raw", [b"{broken", b"[]", b"42"])
def test_malformed_json_is_400(integration, body, raw):
    response = integration.generic("POST", "/api/v1/returns/", raw, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"parse_error", "invalid"}


def test_domain_errors_are_mapped(integration, body, relay, store_point):
    too_many = integration.post(
        "/api/v1/returns/", {**body, "lines": [{**body["lines"][0], "quantity": 3}]}, format="json"
    )
    wrong_kind = integration.post(
        "/api/v1/returns/", {**body, "drop_off": {"method": "locker", "point_id": relay.pk}}, format="json"
    )
    ReasonCodeFactory(code="retired", is_active=False)
    inactive = integration.post(
        "/api/v1/returns/", {**body, "lines": [{**body["lines"][0], "reason": "retired"}]}, format="json"
    )

    assert too_many.status_code == 422
    assert too_many.json()["error"]["code"] == "over_quantity"
    assert wrong_kind.status_code == 400
    assert wrong_kind.json()["error"]["code"] == "invalid_drop_off"
    assert inactive.status_code == 400
    assert inactive.json()["error"]["code"] == "invalid_reason"
    assert not ReturnRequest.objects.exists()


def test_window_closed_is_422(integration, body, order_line):
    order = order_line.order
    order.delivered_at = timezone.now() - timedelta(days=90)
    order.save(update_fields=["delivered_at"])

    response = integration.post("/api/v1/returns/", body, format="json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "window_closed"
    assert "lines" in response.json()["error"]["details"]


def test_store_staff_create_for_their_shop(store_staff, body, store):
    response = store_staff.post("/api/v1/returns/", body, format="json")

    assert response.status_code == 201
    assert response.json()["channel"] == "store"
    assert response.json()["store"] == store.code


def test_store_staff_cannot_act_for_another_shop(store_staff, body, other_store):
    response = store_staff.post("/api/v1/returns/", {**body, "store": other_store.code}, format="json")

    assert response.status_code == 403
    assert not ReturnRequest.objects.exists()


def test_store_staff_of_several_shops_must_say_which(store_staff, store_user, body, other_store):
    other_store.staff.add(store_user)

    unnamed = store_staff.post("/api/v1/returns/", body, format="json")
    named = store_staff.post("/api/v1/returns/", {**body, "store": other_store.code}, format="json")

    assert unnamed.status_code == 400
    assert "store" in unnamed.json()["error"]["details"]
    assert named.status_code == 201
    assert named.json()["store"] == other_store.code


def test_store_staff_without_a_shop_is_403(body):
    client = client_for(UserFactory(username="lonely", roles=[roles.STORE_STAFF]))

    assert client.post("/api/v1/returns/", body, format="json").status_code == 403


def test_agents_may_name_a_shop(agent, body):
    shop = StoreFactory(code="NTE-01")

    response = agent.post("/api/v1/returns/", {**body, "store": "NTE-01"}, format="json")

    assert response.status_code == 201
    assert response.json()["store"] == shop.code


def test_warehouse_staff_cannot_create(warehouse_staff, body):
    response = warehouse_staff.post("/api/v1/returns/", body, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
