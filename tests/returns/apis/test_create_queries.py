"""Creating a return through the API (created and submitted, with or without an Idempotency-Key) costs a fixed
number of SQL statements, whatever its number of lines (the portal's: tests/portal/test_query_counts.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.returns.models import ReturnRequest
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db
# Pinned (as the test sees them: the request's own transaction is a savepoint here, BEGIN/COMMIT in production).
# One statement more per request shows here; one per line shows as a difference between the small and big returns.
API_CREATE_QUERIES = 28
API_CREATE_WITH_KEY_QUERIES = 32


def _api_body(order, lines, reason, relay) -> dict:
    return {
        "order": order.external_id,
        "lines": [{"order_line": line.external_id, "quantity": 1, "reason": reason.code} for line in lines],
        "resolution": "refund",
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
        "submit": True,
    }


def _order_with(count: int):
    order = OrderFactory()
    return order, [OrderLineFactory(order=order, quantity=2) for _ in range(count)]


def _create(client, body, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/returns/", body, format="json", **headers)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "approved"
    return len(queries)


@pytest.mark.parametrize(("key", "pinned"), [("", API_CREATE_QUERIES), ("k", API_CREATE_WITH_KEY_QUERIES)])
def test_the_api_creates_and_submits_in_the_same_statements_for_one_line_or_five(
    integration, policy, warehouse, reason, relay, key, pinned
):
    small_order, small_lines = _order_with(1)
    big_order, big_lines = _order_with(5)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    small = _create(integration, _api_body(small_order, small_lines, reason, relay), **headers)
    headers = {"HTTP_IDEMPOTENCY_KEY": key + "2"} if key else {}
    big = _create(integration, _api_body(big_order, big_lines, reason, relay), **headers)
    assert (small, big) == (pinned, pinned)
    assert ReturnRequest.objects.get(order=big_order).lines.count() == 5
