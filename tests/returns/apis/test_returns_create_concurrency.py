"""The same Idempotency-Key sent by many clients at once: one return, one 201, every other answer its replay."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rma.orders.models import OrderLine
from rma.returns.models import IdempotencyKey, ReturnRequest
from tests.helpers import run_in_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARALLEL = 20


@pytest.fixture
def body(policy, warehouse, reason, relay, order_line):
    # One unit bought: a second return for it would be refused (already returned).
    OrderLine.objects.filter(pk=order_line.pk).update(quantity=1)
    return {
        "order": "shop-1",
        "lines": [{"order_line": "L1", "quantity": 1, "reason": "too-small"}],
        "resolution": "refund",
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
    }


def post_with_key(token: str, body: dict, key: str):
    def call():
        client = APIClient()  # one client per thread: each request on its own connection
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client.post("/api/v1/returns/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)

    return call


def test_parallel_requests_with_one_key_all_get_the_same_return(postgres_only, integration_user, body, order_line):
    token = Token.objects.create(user=integration_user).key

    responses = run_in_threads(*(post_with_key(token, body, "k-parallel") for _ in range(PARALLEL)))

    assert all(not isinstance(r, Exception) for r in responses), responses
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (PARALLEL - 1) + [201], [r.json() for r in responses if r.status_code >= 400]
    assert len({r.json()["public_id"] for r in responses}) == 1
    assert ReturnRequest.objects.count() == 1
    assert IdempotencyKey.objects.get().return_request == ReturnRequest.objects.get()
    order_line.refresh_from_db()
    assert order_line.quantity_in_returns == 1


def test_parallel_requests_with_one_key_and_two_bodies(postgres_only, integration_user, body, order_line, store_point):
    """The body that wins gets its return (and its replays); the other body is refused as a reused key."""
    token = Token.objects.create(user=integration_user).key
    other = {**body, "drop_off": {"method": "store", "point_id": store_point.pk}}
    calls = [post_with_key(token, body if i % 2 else other, "k-two-bodies") for i in range(PARALLEL)]

    responses = run_in_threads(*calls)

    assert all(not isinstance(r, Exception) for r in responses), responses
    created = [r for r in responses if r.status_code == 201]
    assert len(created) == 1
    winner = created[0].json()["public_id"]
    for response in responses:
        if response.status_code in (200, 201):
            assert response.json()["public_id"] == winner
        else:
            assert response.status_code == 409, response.json()
            assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert sorted(r.status_code for r in responses).count(409) == PARALLEL // 2
    assert ReturnRequest.objects.count() == 1


def test_a_key_whose_first_request_failed_can_be_used_again(postgres_only, integration, body, order_line):
    """A refused request leaves no claim behind: the key is free for the corrected request."""
    refused = integration.post(
        "/api/v1/returns/", {**body, "lines": [{**body["lines"][0], "quantity": 2}]}, format="json",
        HTTP_IDEMPOTENCY_KEY="k-retry",
    )  # fmt: skip
    corrected = integration.post("/api/v1/returns/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-retry")

    assert refused.status_code == 422
    assert corrected.status_code == 201
    assert str(IdempotencyKey.objects.get().return_request.public_id) == corrected.json()["public_id"]
