"""A fake Shopify shop for each test, and the shop connection that points at it."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from rma.connectors.models import InboxDelivery, ShopConnection
from rma.warehouse.services import warehouse_reference_data_seed
from tests.connectors.shopify.fake import CLIENT_SECRET, TOKEN, FakeShopify, webhook_headers
from tests.helpers import staff_member

LOCATION = "3300001"


@pytest.fixture(autouse=True)
def _forget_granted_tokens() -> Iterator[None]:
    """Granted tokens live in the cache: none from another test's shop (which may have had the same port)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake_shopify() -> Iterator[FakeShopify]:
    fake = FakeShopify().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def connection(db, fake_shopify: FakeShopify) -> ShopConnection:
    return ShopConnection.objects.create(
        name="maison-lin",
        platform="shopify",
        shop_url=fake_shopify.url,
        api_key=TOKEN,
        webhook_secret=CLIENT_SECRET,
        location_ref=LOCATION,
        options={"category_map": {"Shirts": "apparel", "Scarves": "apparel"}},
    )


@pytest.fixture
def send_webhook(connection: ShopConnection) -> Callable[..., Any]:
    """POST a delivery to the connection's endpoint as Shopify does (signed unless told otherwise)."""
    client = Client()

    def send(topic: str, body: Any, *, webhook_id: str | None = None, headers: dict[str, str] | None = None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = webhook_headers(topic, raw, webhook_id=webhook_id) if headers is None else headers
        return client.post(
            f"/webhooks/shops/{connection.public_id}/", data=raw, content_type="application/json", **sent
        )

    return send


def deliveries() -> list[InboxDelivery]:
    return list(InboxDelivery.objects.order_by("id"))


# Weights as the Admin API publishes a variant's (its inventory item's measurement), in the units a shop may use.
SHIRT_VARIANTS = [
    {"id": 9900011, "sku": "CHE-LIN-NAV-M", "price": "49.90", "inventoryQuantity": 4,
     "options": {"Size": "M", "Color": "Navy"}, "weight": {"unit": "KILOGRAMS", "value": 0.3}},
    {"id": 9900012, "sku": "CHE-LIN-NAV-L", "price": "49.90", "inventoryQuantity": 0,
     "options": {"Size": "L", "Color": "Navy"}},
    {"id": 9900013, "sku": "CHE-LIN-BLA-M", "price": "52.00", "inventoryQuantity": 7,
     "options": {"Size": "M", "Color": "Blanc"}},
]  # fmt: skip
SCARF_VARIANTS = [
    {
        "id": 9900021,
        "sku": "FOU-SOI-ROU",
        "price": "33.80",
        "inventoryQuantity": 2,
        "options": {"Couleur": "Rouge"},
        "weight": {"unit": "OUNCES", "value": 4.25},
    },
]


@pytest.fixture
def shop(fake_shopify: FakeShopify) -> FakeShopify:
    """The fake shop with its two products and order #1001 (the payload fixture)."""
    from tests.connectors.shopify.fake import payload

    fake_shopify.add_product(8800001, product_type="Shirts", variants=SHIRT_VARIANTS)
    fake_shopify.add_product(8800002, product_type="Scarves", variants=SCARF_VARIANTS)
    fake_shopify.add_order(payload("order.json"))
    return fake_shopify


# ---- the worker stories


@pytest.fixture
def fast_retries(settings):
    settings.RMA_OUTBOX_BACKOFF_BASE_SECONDS = 0.2
    settings.RMA_OUTBOX_BACKOFF_CAP_SECONDS = 0.5


@pytest.fixture
def operator(warehouse):
    warehouse_reference_data_seed()
    return staff_member(warehouse, "alice", "warehouse_staff", first_name="Alice", last_name="Martin")
