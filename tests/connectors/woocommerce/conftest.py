"""Fixtures of the WooCommerce connector's tests: the fake shop, a connection to it, signed webhook deliveries."""

import base64
import copy
import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from rma.connectors.models import ShopConnection
from rma.warehouse.services import warehouse_reference_data_seed
from tests.connectors.woocommerce.fake_woo import FakeWoo, fake_woo_running
from tests.helpers import staff_member

PAYLOADS = Path(__file__).parent / "payloads"
WEBHOOK_SECRET = "w3bh00k-s3cr3t"


def payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / name).read_text())


def order_payload(**changes: Any) -> dict[str, Any]:
    order = copy.deepcopy(payload("order.json"))
    order.update(changes)
    return order


def catalogue(woo: FakeWoo) -> None:
    """The products of the order fixture: a variable shirt (4 variations; the first weighs 350 g, the others the
    shirt's 320 g) and a simple belt of 200 g, weights in the store's unit (kg)."""
    woo.products[93] = {
        "id": 93,
        "name": "Chemise en lin",
        "type": "variable",
        "status": "publish",
        "weight": "0.32",
        "categories": [
            {"id": 15, "name": "Chemises", "slug": "chemises"},
            {"id": 9, "name": "Homme", "slug": "homme"},
        ],
    }
    woo.products[22] = {
        "id": 22,
        "name": "Ceinture cuir",
        "type": "simple",
        "status": "publish",
        "sku": "CEI-CUIR",
        "price": "30.00",
        "stock_status": "instock",
        "manage_stock": True,
        "stock_quantity": 4,
        "weight": "0.2",
        "categories": [{"id": 20, "name": "Accessoires", "slug": "accessoires"}],
        "attributes": [],
    }

    def variation(ident: int, sku: str, colour: str, size: str, **stock: Any) -> dict[str, Any]:
        return {
            "id": ident,
            "sku": sku,
            "price": "60.00",
            "status": "publish",
            "purchasable": True,
            "manage_stock": True,
            "stock_quantity": 3,
            "stock_status": "instock",
            "attributes": [{"id": 1, "name": "Colour", "option": colour}, {"id": 2, "name": "Size", "option": size}],
            "weight": "",  # the product's, as WooCommerce answers a variation without a weight of its own
            **stock,
        }

    woo.variations[93] = [
        variation(94, "CHE-LIN-BLEU-M", "Bleu", "M", weight="0.35"),
        variation(95, "CHE-LIN-BLEU-L", "Bleu", "L", stock_quantity=0, stock_status="outofstock"),
        variation(96, "CHE-LIN-BLANC-M", "Blanc", "M", stock_status="onbackorder", stock_quantity=-1),
        variation(97, "CHE-LIN-BLANC-L", "Blanc", "L", manage_stock=False, stock_quantity=None),
    ]


@pytest.fixture
def fast_retries(settings):
    """Outbox retries within a second, and no webhook address to register (the full-story tests)."""
    settings.RMA_OUTBOX_BACKOFF_BASE_SECONDS = 0.2
    settings.RMA_OUTBOX_BACKOFF_CAP_SECONDS = 1.0
    settings.RMA_SHOP_WEBHOOK_URL = ""


@pytest.fixture
def operator(warehouse):
    """A warehouse operator, with the warehouse's reference data (grades, dispositions)."""
    warehouse_reference_data_seed()
    return staff_member(warehouse, "alice", "warehouse_staff")


@pytest.fixture
def woo() -> Iterator[FakeWoo]:
    with fake_woo_running() as fake:
        catalogue(fake)
        # The store's weight unit is remembered by shop address: nothing from an earlier fake on the same port.
        cache.delete(f"rma:woocommerce:weight-unit:{fake.url}")
        yield fake
        cache.delete(f"rma:woocommerce:weight-unit:{fake.url}")


@pytest.fixture
def docs_woo(woo):
    """The fake shop holding the documentation's catalogue instead of ours."""
    woo.products.clear()
    woo.variations.clear()
    listed: list[dict[str, Any]] = json.loads((PAYLOADS / "docs" / "products-list.json").read_text())
    for product in listed:
        woo.products[product["id"]] = product
    woo.products[22] = {**payload("docs/product-retrieve.json"), "id": 22, "type": "variable"}
    woo.variations[22] = json.loads((PAYLOADS / "docs" / "product-variations-list.json").read_text())
    return woo


@pytest.fixture
def connection(db, woo, warehouse) -> ShopConnection:
    return ShopConnection.objects.create(
        name="woo-eu",
        platform="woocommerce",
        shop_url=woo.url,
        api_key=woo.key,
        api_secret=woo.secret,
        webhook_secret=WEBHOOK_SECRET,
        default_warehouse=warehouse,
        order_number_prefix="WC-",
        options={"category_map": {"Chemises": "apparel", "Accessoires": "apparel"}},
    )


def signed(
    body: bytes,
    *,
    topic: str = "order.created",
    delivery_id: str = "d41d8cd98f00b204e9800998ecf8427e",
    secret: str = "",
) -> dict[str, str]:
    """The headers WooCommerce's WC_Webhook::deliver() sends with `body`."""
    digest = hmac.new((secret or WEBHOOK_SECRET).encode(), body, hashlib.sha256).digest()
    resource, _sep, event = topic.partition(".")
    return {
        "X-WC-Webhook-Source": "https://shop.example.com/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": base64.b64encode(digest).decode(),
        "X-WC-Webhook-ID": "3",
        "X-WC-Webhook-Delivery-ID": delivery_id,
    }


def deliver(connection: ShopConnection, order: dict[str, Any], *, topic: str = "order.created", **kwargs: Any):
    """POST a signed delivery of `order` to the connection's webhook endpoint, as WooCommerce does."""
    body = json.dumps(order).encode()
    return Client().post(
        f"/webhooks/shops/{connection.public_id}/",
        data=body,
        content_type="application/json",
        headers=signed(body, topic=topic, **kwargs),
    )
