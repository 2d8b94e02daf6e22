"""The block and allow lists in the policy: a return made through the API for a blocked customer (by email, phone or
delivery address) waits for an agent with the entry's reason; an expired entry does nothing; an allowed customer
skips the recent-returns and high-value rules, not a policy that reviews everything."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rma.returns.customer_lists import customer_list_entry_create, customer_standing_for
from rma.returns.models import ReturnRequest
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_order(policy, warehouse, reason, relay):
    order = OrderFactory(
        external_id="shop-77",
        customer_email="Chloe.Martin@example.fr",
        customer_phone="06 12 34 56 78",
        address_line1="12 Rue de l'Église",
        postcode="75002",
        city="Paris",
    )
    OrderLineFactory(order=order, external_id="L1", quantity=2, unit_price=Decimal("49.90"))
    return order


def create(client, relay, *, order="shop-77", **extra):
    body = {
        "order": order,
        "lines": [{"order_line": "L1", "quantity": 1, "reason": "too-small"}],
        "resolution": "refund",
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
        "submit": True,
        **extra,
    }
    response = client.post("/api/v1/returns/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201, response.content
    return response.json()


def block(match, value, *, reason="Chargebacks on three orders", expires_at=None, kind="block"):
    return customer_list_entry_create(
        kind=kind, match=match, value=value, reason=reason, expires_at=expires_at, actor=None
    )


@pytest.mark.parametrize(
    ("match", "typed"),
    [
        ("email", "  CHLOE.MARTIN@example.FR "),
        ("phone", "+33 6 12 34 56 78"),
        ("address", "12, rue de l’Eglise – 75002 PARIS"),
    ],
)
def test_a_blocked_customer_s_return_made_through_the_api_waits_for_an_agent_with_the_reason(
    integration, customer_order, relay, match, typed
):
    block(match, typed)

    data = create(integration, relay)

    assert data["status"] == "needs_review"
    assert data["review_reason"] == "Customer on the block list: Chargebacks on three orders"
    return_request = ReturnRequest.objects.get(public_id=data["public_id"])
    assert return_request.review_reason == "Customer on the block list: Chargebacks on three orders"


def test_the_return_s_own_contact_email_is_checked_too(agent, customer_order, relay):
    block("email", "other.address@example.fr", reason="Fraud")
    data = create(agent, relay, contact_email="Other.Address@example.fr")
    assert data["status"] == "needs_review"
    assert data["review_reason"] == "Customer on the block list: Fraud"


def test_a_block_list_entry_wins_over_a_policy_that_reviews_everything_and_over_an_allow_entry(
    integration, customer_order, relay, policy
):
    policy.auto_approve = False
    policy.save()
    block("phone", "0612345678", kind="allow", reason="Loyal customer")
    block("email", "chloe.martin@example.fr", reason="Wardrobing")
    assert create(integration, relay)["review_reason"] == "Customer on the block list: Wardrobing"


def test_an_expired_block_does_nothing(integration, customer_order, relay):
    block("email", "chloe.martin@example.fr", expires_at=timezone.now() - timedelta(minutes=1))
    assert create(integration, relay)["status"] == "approved"


def test_someone_else_s_block_does_nothing(integration, customer_order, relay):
    block("email", "someone.else@example.fr")
    block("phone", "06 12 34 56 79")
    block("address", "14 rue de l'Église 75002 Paris")
    assert create(integration, relay)["status"] == "approved"


def test_an_allowed_customer_skips_the_recent_returns_review(integration, customer_order, relay, policy):
    policy.review_recent_returns = 1
    policy.save()
    OrderLineFactory(order=customer_order, external_id="L2", quantity=2)
    assert create(integration, relay)["status"] == "approved"
    second = {"lines": [{"order_line": "L2", "quantity": 1, "reason": "too-small"}]}
    assert create(integration, relay, **second)["review_reason"] == "The customer has 1 recent return."

    block("address", "12 rue de l'eglise 75002", kind="allow", reason="Our own employee")
    third = {"lines": [{"order_line": "L1", "quantity": 1, "reason": "too-small"}]}
    assert create(integration, relay, **third)["status"] == "approved"


def test_an_allowed_customer_skips_the_high_value_review_but_not_a_policy_that_reviews_everything(
    integration, customer_order, relay, policy
):
    policy.review_order_value_above = Decimal("50.00")
    policy.save()
    block("email", "chloe.martin@example.fr", kind="allow", reason="VIP")
    assert create(integration, relay)["status"] == "approved"

    policy.auto_approve = False
    policy.save()
    data = create(integration, relay)
    assert data["status"] == "needs_review"
    assert data["review_reason"] == "Every return is reviewed under this policy."


def test_an_expired_allow_entry_does_nothing(integration, customer_order, relay, policy):
    policy.review_order_value_above = Decimal("50.00")
    policy.save()
    block(
        "email", "chloe.martin@example.fr", kind="allow", reason="VIP", expires_at=timezone.now() - timedelta(days=1)
    )
    assert create(integration, relay)["review_reason"].startswith("High-value order")


def test_the_standing_of_a_customer_is_one_query_with_every_value_in_it(customer_order):
    block("address", "12 rue de l'Église, 75002 Paris")
    with CaptureQueriesContext(connection) as queries:
        standing = customer_standing_for(order=customer_order, contact_email="second@example.fr")
    assert standing.blocked
    assert standing.blocked_by.reason == "Chargebacks on three orders"
    assert len(queries) == 1
    sql = queries[0]["sql"]  # on PostgreSQL, the prepared statement run with the values as one array
    for value in ("chloe.martin@example.fr", "second@example.fr", "33612345678", "12 rue de l eglise 75002"):
        assert f"'{value}'" in sql
