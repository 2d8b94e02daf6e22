"""Creating a return through the API (created and submitted, with or without an Idempotency-Key) costs a fixed
number of SQL statements, whatever its number of lines (the portal's: tests/portal/test_query_counts.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.returns.models import ReturnRequest
from tests.orders.factories import OrderFactory, OrderLineFactory

# Committed data (a transactional test), as in production: the reference rows (policy, reason codes, warehouses,
# carrier accounts) are read once and then kept by the process (rma.core.reference_memo); a test transaction that
# writes them reads them from the database until it ends.
pytestmark = pytest.mark.django_db(transaction=True)
# Pinned, BEGIN and COMMIT included (production's count).
# One statement more per request shows here; one per line shows as a difference between the small and big returns.
# Submitting reads the customer's block and allow list entries: one statement (rma.returns.customer_lists), and
# their history for the risk score: three (the addresses and phones too many customers share, their orders across
# emails, address and phone, their returns), one more when one of those returns was received
# (rma.returns.customer_history). Which shop connection the order came from is asked only when a connection names a
# default warehouse (rma.connectors.orders_in.order_connection_warehouse): none does here.
API_CREATE_QUERIES = 20
API_CREATE_WITH_KEY_QUERIES = 24


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
    """The statements of the request's own transaction, BEGIN to COMMIT (the tasks it queues run eagerly after)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/returns/", body, format="json", **headers)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "approved"
    statements = [query["sql"] for query in queries]
    return statements.index("COMMIT") + 1


@pytest.mark.parametrize(("key", "pinned"), [("", API_CREATE_QUERIES), ("k", API_CREATE_WITH_KEY_QUERIES)])
def test_the_api_creates_and_submits_in_the_same_statements_for_one_line_or_five(
    integration, policy, warehouse, reason, relay, key, pinned
):
    # The recent-returns rule counts from the customer's history, which the risk score has read already.
    policy.review_recent_returns, policy.review_recent_returns_days = 5, 90
    policy.save()
    first_order, first_lines = _order_with(1)
    small_order, small_lines = _order_with(1)
    big_order, big_lines = _order_with(5)
    headers = {"HTTP_IDEMPOTENCY_KEY": key + "0"} if key else {}
    first = _create(integration, _api_body(first_order, first_lines, reason, relay), **headers)
    headers = {"HTTP_IDEMPOTENCY_KEY": key + "1"} if key else {}
    small = _create(integration, _api_body(small_order, small_lines, reason, relay), **headers)
    headers = {"HTTP_IDEMPOTENCY_KEY": key + "2"} if key else {}
    big = _create(integration, _api_body(big_order, big_lines, reason, relay), **headers)
    assert (small, big) == (pinned, pinned)
    # The first creation of the process read the reference rows: the policy (with its overrides and fees), the
    # reason codes, the warehouses, the carrier accounts and the shop connections that name a warehouse.
    assert first == pinned + 7
    assert ReturnRequest.objects.get(order=big_order).lines.count() == 5


# Accepted for later (`Prefer: respond-async`): the token with its user and their roles, and the request kept, which
# commits by itself (no BEGIN and COMMIT around the request: rma.returns.api.urls.by_method); with an
# Idempotency-Key, the keeping in a transaction of its own (BEGIN and COMMIT). Whatever the number of lines.
API_ACCEPT_QUERIES = 2
API_ACCEPT_WITH_KEY_QUERIES = 4


def _accepted(statements: list[str]) -> int:
    """The statements of the acceptance itself, to its row's INSERT and that INSERT's COMMIT when it has one: the
    worker's run that its doorbell starts (eagerly, in tests) follows in the same process."""
    kept = next(index for index, sql in enumerate(statements) if sql.startswith('INSERT INTO "returns_returnintake"'))
    return kept + 1 + (statements[kept + 1 : kept + 2] == ["COMMIT"])


@pytest.mark.parametrize(("key", "pinned"), [("", API_ACCEPT_QUERIES), ("k", API_ACCEPT_WITH_KEY_QUERIES)])
def test_accepting_for_later_costs_the_same_few_statements_for_one_line_or_five(
    integration, policy, warehouse, reason, relay, key, pinned
):
    counts = []
    for index, count in enumerate((1, 5)):
        order, lines = _order_with(count)
        headers = {"HTTP_IDEMPOTENCY_KEY": f"{key}{index}"} if key else {}
        with CaptureQueriesContext(connection) as queries:
            response = integration.post(
                "/api/v1/returns/",
                _api_body(order, lines, reason, relay),
                format="json",
                HTTP_PREFER="respond-async",
                **headers,
            )
        assert response.status_code == 202, response.content
        statements = [query["sql"] for query in queries]
        counts.append(_accepted(statements))
    assert counts == [pinned, pinned]
