from datetime import timedelta

import pytest
from django.utils import timezone

from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def test_eligibility_lists_each_line_with_quantity_code_and_window(integration, policy, make_return):
    order = OrderFactory(external_id="shop-7", delivered_at=timezone.now() - timedelta(days=3))
    shirt = OrderLineFactory(order=order, external_id="L1", quantity=3)
    OrderLineFactory(order=order, external_id="L2", non_returnable_reason="final_sale")
    make_return(order_line=shirt, quantity=1)

    response = integration.get("/api/v1/orders/shop-7/eligibility/")

    assert response.status_code == 200
    body = response.json()
    assert body["external_id"] == "shop-7"
    first, second = body["lines"]
    assert first["order_line"] == "L1"
    assert first["eligible"] is True
    assert first["code"] == "eligible"
    assert first["quantity_in_returns"] == 1
    assert first["returnable_quantity"] == 2
    expected_close = timezone.localdate(order.delivered_at + timedelta(days=policy.window_days))
    assert first["window_closes_on"] == expected_close.isoformat()
    assert second["eligible"] is False
    assert second["code"] == "final_sale"
    assert second["returnable_quantity"] == 0
    assert second["message"]


def test_eligibility_message_follows_the_request_language(integration, policy):
    OrderLineFactory(order__external_id="shop-8", order__delivered_at=None, external_id="L1")

    english = integration.get("/api/v1/orders/shop-8/eligibility/", HTTP_ACCEPT_LANGUAGE="en")
    french = integration.get("/api/v1/orders/shop-8/eligibility/", HTTP_ACCEPT_LANGUAGE="fr")

    assert english.json()["lines"][0]["code"] == "not_delivered"
    assert english.json()["lines"][0]["message"] == "This order has not been delivered yet."
    assert french.json()["lines"][0]["code"] == "not_delivered"
    assert french.status_code == 200


def test_eligibility_unknown_order_is_404_and_roles_are_checked(integration, store_staff, agent, order, policy):
    assert integration.get("/api/v1/orders/nope/eligibility/").status_code == 404
    assert store_staff.get(f"/api/v1/orders/{order.external_id}/eligibility/").status_code == 403
    assert agent.get(f"/api/v1/orders/{order.external_id}/eligibility/").status_code == 200
