"""WooCommerce's documented examples (``payloads/docs/``, see its SOURCE.md) and deliveries sent as WooCommerce sends.

Webhooks deliver "exactly the same as if requested via the REST API" (``_webhooks.md``, Delivery/payload), sent as
``WC_Webhook::deliver()`` does: ``wp_json_encode`` (slashes and non-ASCII escaped) and its headers.
"""

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from django.test import Client

from tests.connectors.woocommerce.conftest import WEBHOOK_SECRET

DOCS = Path(__file__).parent / "payloads" / "docs"


def doc(name: str) -> Any:
    return json.loads((DOCS / name).read_text())


def wp_json_encode(data: Any) -> bytes:
    """What WordPress's wp_json_encode() gives: JSON with "\\/" and "\\u00e3" escapes."""
    return json.dumps(data).replace("/", "\\/").encode()


def wc_headers(
    body: bytes, *, topic: str, delivery_id: str = "5c3f1ab2e9d0", drop: tuple[str, ...] = ()
) -> dict[str, str]:
    """The headers of WC_Webhook::deliver() (woocommerce ``includes/class-wc-webhook.php``); `drop` some."""
    resource, _sep, event = topic.partition(".")
    headers = {
        "User-Agent": "WooCommerce/9.4.0 Hookshot (WordPress/6.7.1)",
        "X-WC-Webhook-Source": "http://example.com/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": base64.b64encode(
            hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).digest()
        ).decode(),
        "X-WC-Webhook-ID": "12",
        "X-WC-Webhook-Delivery-ID": delivery_id,
    }
    return {name: value for name, value in headers.items() if name not in drop}


def post(connection, body: bytes, headers: dict[str, str]):
    return Client().post(
        f"/webhooks/shops/{connection.public_id}/", data=body, content_type="application/json", headers=headers
    )


def deliver(connection, order: Any, *, topic: str = "order.created", **kwargs: Any):
    body = wp_json_encode(order)
    return post(connection, body, wc_headers(body, topic=topic, **kwargs))
