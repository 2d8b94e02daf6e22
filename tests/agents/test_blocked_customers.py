"""An agent creates a return for a customer on the block list (through the API, on their behalf): it waits in the
queue, and the queue says why, with the entry's reason."""

import pytest

from rma.returns.customer_lists import customer_list_entry_create
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_return_made_for_a_blocked_customer_waits_in_the_queue_with_the_entry_s_reason(
    client, camille, warehouse, reason, relay, order_line
):
    order = order_line.order
    customer_list_entry_create(
        kind="block", match="email", value=order.customer_email.upper(), reason="Parcels reported empty", actor=camille
    )
    body = {
        "order": order.external_id,
        "lines": [{"order_line": order_line.external_id, "quantity": 1, "reason": reason.code}],
        "resolution": "refund",
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
        "submit": True,
    }
    created = client_for(camille).post("/api/v1/returns/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "needs_review"

    client.force_login(camille)
    response = client.get("/agents/")

    [row] = response.context["rows"]
    assert row.return_request.public_id.hex == created.json()["public_id"].replace("-", "")
    assert row.return_request.review_reason == "Customer on the block list: Parcels reported empty"
    assert "Customer on the block list: Parcels reported empty" in response.content.decode()
