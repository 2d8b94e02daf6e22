"""Shop webhooks: `.venv/bin/python bench/connectors.py [--deliveries 400]`.

Two measures, through the real code on a throwaway SQLite database:
1. acknowledgement: POST a signed WooCommerce ``order.created`` delivery to /webhooks/shops/<connection>/
   through Django's full request handling (middleware, view, signature check, inbox row, commit, hand-over to
   an in-memory broker), as the platform would; p50 and p95 in milliseconds. Target: p95 under 50 ms, since
   acknowledging only verifies, stores and enqueues.
2. mapping: the worker's processing of the stored deliveries (parse, map, read the products' categories from
   the shop, upsert the order and its lines, link it to the connection), in orders per second. The shop is the
   tests' fake WooCommerce on 127.0.0.1 (tests/connectors/woocommerce/fake_woo.py), which answers at once: a real
   shop's answer time adds to each order.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

TARGET_P95_MS = 50.0
SECRET = "bench-webhook-secret"


def setup_django(workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "returns_portal.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["RMA_VAR_DIR"] = str(workdir)
    os.environ["RMA_MEDIA_ROOT"] = str(workdir / "media")
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.pop("REDIS_URL", None)
    import logging

    import django

    django.setup()
    logging.getLogger("rma.connectors").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def woo_order(number: int) -> dict:
    """A WooCommerce REST v3 order as its order.created webhook carries it."""
    stamp = f"2026-11-20T10:{number // 60 % 60:02d}:{number % 60:02d}"
    return {
        "id": 100000 + number,
        "number": str(100000 + number),
        "status": "processing",
        "currency": "EUR",
        "date_created_gmt": stamp,
        "date_modified_gmt": stamp,
        "billing": {"first_name": "Zoé", "last_name": "Martin", "email": f"zoe{number}@example.com", "phone": ""},
        "shipping": {
            "first_name": "Zoé",
            "last_name": "Martin",
            "address_1": "12 rue de la Paix",
            "address_2": "",
            "city": "Lyon",
            "postcode": "69002",
            "country": "FR",
        },
        "line_items": [
            {
                "id": 500000 + number * 10 + index,
                "name": f"Tee {index}",
                "product_id": 40 + index,
                "variation_id": 400 + index,
                "quantity": 1 + index,
                "subtotal": "20.00",
                "subtotal_tax": "4.00",
                "total": "20.00",
                "total_tax": "4.00",
                "sku": f"TEE-{index}",
                "price": 20,
                "meta_data": [],
            }
            for index in range(3)
        ],
        "refunds": [],
        "meta_data": [],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deliveries", type=int, default=400, help="deliveries timed (default 400)")
    count = parser.parse_args().deliveries

    with tempfile.TemporaryDirectory(prefix="rma-bench-") as workdir:
        setup_django(Path(workdir))
        from rma.connectors.models import ShopConnection
        from tests.connectors.woocommerce.fake_woo import fake_woo_running

        with fake_woo_running() as woo:
            for index in range(3):
                woo.products[40 + index] = {
                    "id": 40 + index,
                    "name": f"Tee {index}",
                    "type": "variable",
                    "status": "publish",
                    "categories": [{"id": 15, "name": "T-shirts", "slug": "t-shirts"}],
                }
            connection = ShopConnection.objects.create(
                name="bench-woo",
                platform="woocommerce",
                shop_url=woo.url,
                api_key=woo.key,
                api_secret=woo.secret,
                webhook_secret=SECRET,
                options={"category_map": {"T-shirts": "apparel"}},
            )
            return measure(connection, count)


def signed_headers(body: bytes, delivery: str) -> dict[str, str]:
    """The headers WooCommerce sends with an order.created delivery."""
    signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return {
        "HTTP_X_WC_WEBHOOK_SOURCE": "https://shop.example/",
        "HTTP_X_WC_WEBHOOK_TOPIC": "order.created",
        "HTTP_X_WC_WEBHOOK_RESOURCE": "order",
        "HTTP_X_WC_WEBHOOK_EVENT": "created",
        "HTTP_X_WC_WEBHOOK_SIGNATURE": signature,
        "HTTP_X_WC_WEBHOOK_ID": "7",
        "HTTP_X_WC_WEBHOOK_DELIVERY_ID": delivery,
    }


def measure(connection: Any, count: int) -> int:
    """Time the acknowledgement of `count` deliveries, then their mapping (see the module doc)."""
    from django.test import Client

    from rma.connectors.inbox import delivery_process
    from rma.connectors.models import InboxDelivery

    url = f"/webhooks/shops/{connection.public_id}/"
    client = Client(HTTP_HOST="127.0.0.1")
    timings = []
    for number in range(count + 20):
        body = json.dumps(woo_order(number)).encode()
        started = time.perf_counter()
        response = client.post(url, body, content_type="application/json", **signed_headers(body, str(number)))
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            print(f"delivery {number} answered {response.status_code}: {response.content[:300]!r}")
            return 1
        if number >= 20:  # the first ones warm up imports and connections
            timings.append(elapsed)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"webhook acknowledgement: p50 {p50:6.1f} ms, p95 {p95:6.1f} ms  ({count} signed deliveries)")

    pending = list(InboxDelivery.objects.filter(connection=connection, status="pending").values_list("pk", flat=True))
    started = time.perf_counter()
    statuses = [delivery_process(delivery_id=pk) for pk in pending]
    elapsed = time.perf_counter() - started
    processed = statuses.count("processed")
    if processed != len(pending):
        errors = set(InboxDelivery.objects.exclude(status="processed").values_list("error", flat=True)[:3])
        print(f"only {processed} of {len(pending)} deliveries were mapped: {errors}")
        return 1
    print(f"orders mapped:           {processed / elapsed:6.1f} orders/s  ({processed} orders of 3 lines)")
    verdict = "met" if p95 <= TARGET_P95_MS else "MISSED"
    print(f"target: acknowledgement p95 under {TARGET_P95_MS:.0f} ms: {verdict}")
    return 0 if p95 <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
