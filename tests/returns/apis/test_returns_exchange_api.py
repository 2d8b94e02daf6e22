"""Exchanges through the API: the same rules as the portal, each refusal a 422 with a stable code."""

from decimal import Decimal

import pytest

from rma.returns.models import ReturnRequest
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt(db):
    """Size M of the demo catalogue's linen shirt (the test settings' shop client), 59.90."""
    return OrderLineFactory(
        external_id="L1",
        sku="CHM-LIN-BLA-M",
        product_ref="CHM-LIN",
        unit_price=Decimal("59.90"),
        order__external_id="shop-1",
    )


@pytest.fixture
def exchange(policy, warehouse, reason, relay, shirt):
    def body(sku: str) -> dict:
        return {
            "order": "shop-1",
            "lines": [{"order_line": "L1", "quantity": 1, "reason": "too-small", "exchange_sku": sku}],
            "resolution": "exchange",
            "drop_off": {"method": "relay_point", "point_id": relay.pk},
        }

    return body


@pytest.mark.parametrize(
    ("sku", "code"),
    [
        ("NO-SUCH-SKU", "exchange_unknown_sku"),
        ("TSH-BIO-BLA-M", "exchange_other_product"),
    ],
)
def test_an_unknown_sku_or_another_product_is_refused(integration, exchange, sku, code):
    response = integration.post("/api/v1/returns/", exchange(sku), format="json")

    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert sku in error["message"]
    assert error["details"]["lines"]["L1"]["code"] == code
    assert not ReturnRequest.objects.exists()


def test_a_dearer_variant_is_refused_unless_the_policy_allows_it(integration, exchange, shirt, policy):
    reader = OrderLineFactory(
        order=shirt.order, external_id="L2", sku="LIS-NUM-8GO", product_ref="LIS-NUM", unit_price=Decimal("129.00")
    )
    body = exchange("CHM-LIN-BLA-L")
    body["lines"] = [
        {"order_line": reader.external_id, "quantity": 1, "reason": "too-small", "exchange_sku": "LIS-NUM-32GO"}
    ]

    refused = integration.post("/api/v1/returns/", body, format="json")

    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "exchange_price_differs"
    assert (error["details"]["price"], error["details"]["returned_price"]) == ("159.00", "129.00")

    policy.exchange_price_difference_allowed = True
    policy.save(update_fields=["exchange_price_difference_allowed"])
    allowed = integration.post("/api/v1/returns/", body, format="json")
    assert allowed.status_code == 201, allowed.content
    assert allowed.json()["lines"][0]["exchange_sku"] == "LIS-NUM-32GO"


def test_with_a_stock_source_an_out_of_stock_size_is_refused(integration, exchange, fake_shop):
    fake_shop.products["CHM-LIN"] = [
        {"sku": "CHM-LIN-BLA-M", "size": "M", "colour": "blanc", "available": True},
        {"sku": "CHM-LIN-BLA-L", "size": "L", "colour": "blanc", "available": False},
        {"sku": "CHM-LIN-BLA-S", "size": "S", "colour": "blanc", "available": True},
    ]

    refused = integration.post("/api/v1/returns/", exchange("CHM-LIN-BLA-L"), format="json")
    created = integration.post("/api/v1/returns/", exchange("CHM-LIN-BLA-S"), format="json")

    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "exchange_out_of_stock"
    assert created.status_code == 201, created.content
    assert created.json()["lines"][0]["exchange_sku"] == "CHM-LIN-BLA-S"


def test_when_the_shop_cannot_be_asked_the_exchange_is_refused_for_now(integration, exchange, fake_shop):
    fake_shop.down = True
    response = integration.post("/api/v1/returns/", exchange("CHM-LIN-BLA-L"), format="json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "exchange_unavailable"
