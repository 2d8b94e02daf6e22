"""The answer to POST /api/v1/returns/ is built from what the creation wrote, without reading the return back: it
must be exactly what GET /api/v1/returns/{public_id}/ reads from the database right after, whatever the outcome."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.returns.models import ReturnPolicy
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db


def _body(order, lines, reason, relay, *, submit: bool) -> dict:
    return {
        "order": order.external_id,
        "lines": [
            {"order_line": line.external_id, "quantity": 1, "reason": reason.code, "comment": f"note {index}"}
            for index, line in enumerate(lines)
        ],
        "resolution": "refund",
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
        "submit": submit,
    }


@pytest.mark.parametrize(
    ("submit", "policy_changes", "status"),
    [
        (False, {}, "draft"),
        (True, {}, "approved"),
        (True, {"auto_approve": False}, "needs_review"),
        (True, {"returnless_refund_below": "1000.00"}, "refunded"),
    ],
    ids=["draft", "approved-with-label", "to-review", "returnless"],
)
def test_the_created_answer_is_the_stored_return(
    integration, policy, warehouse, reason, relay, submit, policy_changes, status
):
    ReturnPolicy.objects.filter(pk=policy.pk).update(**policy_changes)
    order = OrderFactory()
    lines = [OrderLineFactory(order=order, quantity=2) for _ in range(3)]

    created = integration.post("/api/v1/returns/", _body(order, lines, reason, relay, submit=submit), format="json")

    assert created.status_code == 201, created.content
    answer = created.json()
    assert answer["status"] == status
    assert [line["comment"] for line in answer["lines"]] == ["note 0", "note 1", "note 2"]
    stored = integration.get(f"/api/v1/returns/{answer['public_id']}/")
    assert stored.status_code == 200
    assert answer == stored.json()


def test_the_created_answer_reads_nothing_back(integration, policy, warehouse, reason, relay):
    order = OrderFactory()
    lines = [OrderLineFactory(order=order, quantity=2)]

    with CaptureQueriesContext(connection) as queries:
        created = integration.post("/api/v1/returns/", _body(order, lines, reason, relay, submit=True), format="json")

    assert created.status_code == 201
    reads_back = [query["sql"] for query in queries if query["sql"].startswith('SELECT "returns_returnrequest"')]
    assert reads_back == []


def test_a_replayed_creation_answers_the_stored_return(integration, policy, warehouse, relay):
    reason = ReasonCodeFactory(code="damaged")
    order = OrderFactory()
    lines = [OrderLineFactory(order=order, quantity=2)]
    body = _body(order, lines, reason, relay, submit=True)

    first = integration.post("/api/v1/returns/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = integration.post("/api/v1/returns/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
