"""A shop's webhook delivery (`/webhooks/shops/<connection>/`, Shopify and WooCommerce: PrestaShop is polled) costs a
fixed number of SQL statements, whatever the number of lines of the order it carries: it is checked and stored, and
read later by the worker. The number is pinned, so a statement more per delivery shows here, and one per line as a
difference between an order of one line and one of eight."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rma.connectors.models import InboxDelivery, ShopConnection
from tests.connectors.shopify.fake import CLIENT_SECRET, webhook_headers
from tests.connectors.woocommerce.conftest import WEBHOOK_SECRET, signed

pytestmark = pytest.mark.django_db
# Pinned (the request's transaction is a savepoint here): the connection, the delivery looked up by its id (a
# delivery sent twice is stored once), the delivery stored in a savepoint of its own, and the savepoints.
DELIVERY_QUERIES = {"shopify": 7, "woocommerce": 7}


def _order(ident: int, lines: int) -> bytes:
    items = [{"id": ident * 100 + n, "sku": f"SKU-{n}", "quantity": 1, "price": "49.90"} for n in range(lines)]
    return json.dumps({"id": ident, "number": str(ident), "line_items": items}).encode()


def _headers(platform: str, body: bytes, ident: int) -> dict[str, str]:
    if platform == "shopify":
        return webhook_headers("orders/create", body)
    return {
        f"HTTP_{name.upper().replace('-', '_')}": value
        for name, value in signed(body, delivery_id=f"delivery-{ident}").items()
    }


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_delivery_costs_the_same_for_an_order_of_one_line_or_eight(warehouse, platform):
    shop = ShopConnection.objects.create(
        name=f"{platform}-eu",
        platform=platform,
        shop_url="https://shop.example.com",
        api_key="key",
        api_secret="secret",
        webhook_secret=CLIENT_SECRET if platform == "shopify" else WEBHOOK_SECRET,
        default_warehouse=warehouse,
    )
    client = Client()

    def deliver(ident: int, lines: int) -> int:
        body = _order(ident, lines)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"/webhooks/shops/{shop.public_id}/",
                data=body,
                content_type="application/json",
                **_headers(platform, body, ident),
            )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "stored"
        return len(queries)

    deliver(1, 1)
    small = deliver(2, 1)
    big = deliver(3, 8)
    assert small == big == DELIVERY_QUERIES[platform]
    assert InboxDelivery.objects.filter(connection=shop).count() == 3
