"""What the load needs from a data set, made through the portal's own code: `python bench/prepare.py OUT.json`.

Run by bench/app.py with the portal's settings and database (bench/servers.py app_env). It creates the actors
(an integration, an agent, a warehouse operator and a shop assistant, each with an API token and a logged-in
session), fresh delivered orders for the creation measure and the customer's walk, customer sessions walked to the
review step, a shop connection and an InPost account for the webhooks, and samples of what the seeded data holds
(order numbers and emails, returns, contact emails, tracking numbers). `python bench/prepare.py OUT.json --labels N`
writes the ids of N pending labels instead (for the label worker measure)."""

import argparse
import json
import os
import re
import secrets
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

SHOP_WEBHOOK_SECRET = "bench-webhook-secret"
INPOST_WEBHOOK_TOKEN = "bench-inpost-token"
SAMPLES = 200
PORTAL_SESSIONS = 8


def actor(username: str, role: str | None, **flags: Any) -> dict[str, str]:
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from rest_framework.authtoken.models import Token

    user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@bench.example", **flags})
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    token, _ = Token.objects.get_or_create(user=user)
    client = Client()
    client.force_login(user)
    return {"token": token.key, "session": client.cookies[settings.SESSION_COOKIE_NAME].value, "id": str(user.pk)}


def orders_make(run: str, count: int) -> list[dict[str, str]]:
    """`count` orders delivered yesterday in Paris, one returnable line each, through the shop's upsert."""
    from django.utils import timezone

    from rma.orders.services import order_upsert

    now = timezone.now()
    made = []
    for index in range(count):
        external_id = f"bench-{run}-{index}"
        order_upsert(
            data={
                "external_id": external_id,
                "number": f"BN{run}-{index}",
                "customer_email": f"bench{run}.{index}@bench.example",
                "customer_name": "Zoé Martin",
                "placed_at": (now - timedelta(days=3)).isoformat(),
                "delivered_at": (now - timedelta(days=1)).isoformat(),
                "address_line1": "12 rue Oberkampf",
                "postcode": "75011",
                "city": "Paris",
                "country": "FR",
                "latitude": 48.8649,
                "longitude": 2.3800,
                "lines": [
                    {
                        "external_id": f"{external_id}-1",
                        "sku": "CHE-LIN-BLA-M",
                        "name": "Chemise en lin",
                        "quantity": 2,
                        "unit_price": "49.90",
                        "category": "apparel",
                    },
                ],
            }
        )
        made.append(
            {
                "order": external_id,
                "number": f"BN{run}-{index}",
                "line": f"{external_id}-1",
                "email": f"bench{run}.{index}@bench.example",
            }
        )
    return made


def portal_walk(order: dict[str, str], reason_pk: int) -> dict[str, str]:
    """A customer session through lookup, items, reasons and resolution to the drop-off step and the review."""
    from django.conf import settings
    from django.test import Client

    from rma.orders.models import OrderLine

    # Each customer from their own address: the lookup allows 10 attempts per address in 10 minutes.
    address = f"10.251.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    client = Client(REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=address)
    steps = [client.post("/", {"order_number": order["number"], "email_or_postcode": order["email"]})]
    line = OrderLine.objects.get(external_id=order["line"], order__external_id=order["order"])
    steps.append(client.post("/return/items/", {f"line_{line.pk}": "on", f"qty_{line.pk}": "1"}))
    steps.append(client.post("/return/reasons/", {f"l{line.pk}-reason": str(reason_pk), f"l{line.pk}-comment": ""}))
    steps.append(client.post("/return/resolution/", {"resolution": "refund"}))
    page = client.get("/return/drop-off/").content.decode()
    offered = re.findall(r'value="point:(\d+)"', page)
    if not offered:
        raise SystemExit("the drop-off step offered no point to the bench customer in Paris")
    steps.append(client.post("/return/drop-off/", {"action": "choose", "option": f"point:{offered[0]}"}))
    for response in steps:
        if response.status_code != 302:
            raise SystemExit(f"the portal walk stopped: {response.status_code} {response.content[:300]!r}")
    return {"session": client.cookies[settings.SESSION_COOKIE_NAME].value, "offered": offered}


def samples(warehouse_id: int) -> dict[str, Any]:
    """What the seeded data holds, picked evenly across it (ids sorted, every k-th)."""
    from rma.orders.models import Order
    from rma.returns.models import ReturnRequest
    from rma.shipping.models import Label

    def spread(queryset: Any, *fields: str) -> list[Any]:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        picked = ids[:: max(1, len(ids) // SAMPLES)][:SAMPLES]
        rows = queryset.model.objects.filter(pk__in=picked).values_list(*fields)
        return [list(row) for row in rows]

    scale = Order.objects.filter(external_id__startswith="scale-")
    received = ReturnRequest.objects.filter(status="received", destination_warehouse_id=warehouse_id)
    return {
        "lookups": spread(scale, "number", "customer_email"),
        "returns": [row[0] for row in spread(ReturnRequest.objects.all(), "public_id")],
        "emails": [row[0] for row in spread(ReturnRequest.objects.all(), "contact_email")],
        "scan_tracking": [
            row[0]
            for row in spread(
                Label.objects.filter(return_request__in=received, tracking_number__isnull=False), "tracking_number"
            )
        ],
        "scan_rma": [row[0] for row in spread(received, "rma_number")],
    }


def webhooks(fake_shipx: dict[str, str]) -> dict[str, Any]:
    """A WooCommerce connection and an InPost account (on the fake ShipX), and labels the InPost pushes track."""
    from rma.connectors.models import ShopConnection
    from rma.shipping.accounts import CarrierAccount
    from rma.shipping.models import Label

    connection, _ = ShopConnection.objects.get_or_create(
        name="bench-woo",
        defaults={
            "platform": "woocommerce",
            "shop_url": "http://127.0.0.1:9/",
            "api_key": "ck_bench",
            "api_secret": "cs_bench",
            "webhook_secret": SHOP_WEBHOOK_SECRET,
        },
    )
    account, _ = CarrierAccount.objects.update_or_create(
        name="bench-inpost",
        defaults={
            "carrier": "inpost",
            "credentials": {
                "token": fake_shipx["token"],
                "organization_id": fake_shipx["organization_id"],
                "webhook_token": INPOST_WEBHOOK_TOKEN,
            },
            "base_url": fake_shipx["url"],
            "options": {},
            # Polish parcels only: never chosen for the bench's French returns, whose labels stay the built-in ones.
            "countries": ["PL"],
        },
    )
    tracked = Label.objects.filter(status="ready", tracking_number__isnull=False, return_request__status="in_transit")
    picked = list(tracked.order_by("pk").values_list("pk", flat=True)[:50])
    Label.objects.filter(pk__in=picked).update(carrier="inpost", account=account)
    numbers = list(Label.objects.filter(pk__in=picked).values_list("tracking_number", flat=True))
    return {
        "shop_connection": str(connection.public_id),
        "shop_secret": SHOP_WEBHOOK_SECRET,
        "inpost_token": INPOST_WEBHOOK_TOKEN,
        "inpost_organization": fake_shipx["organization_id"],
        "inpost_tracking": numbers,
    }


def setup(orders: int, walks: int, fake_shipx: dict[str, str]) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count

    from rma.core import roles
    from rma.locations.models import DropOffPoint, Store, Warehouse
    from rma.returns.models import ReasonCode, ReturnRequest

    # The warehouse with the most returns, and a shop: where the operator and the assistant work.
    busiest = (
        ReturnRequest.objects.values("destination_warehouse")
        .annotate(returns=Count("pk"))
        .order_by("-returns")
        .first()
    )
    if busiest is None:
        raise SystemExit("this data set has no returns: seed it with manage.py seed_scale")
    warehouse = Warehouse.objects.get(pk=busiest["destination_warehouse"])
    store = Store.objects.order_by("code").first()
    operator = actor("bench-warehouse", roles.WAREHOUSE_STAFF)
    warehouse.staff.add(int(operator["id"]))
    assistant = actor("bench-store", roles.STORE_STAFF)
    if store is not None:
        store.staff.add(int(assistant["id"]))
    reason = ReasonCode.objects.filter(is_active=True, requires_photo=False).order_by("position", "code").first()
    if reason is None:
        raise SystemExit("no active reason code without a photo requirement in this data set")
    run = uuid.uuid4().hex[:8]
    made = orders_make(run, orders + walks)
    # Thousands of orders at one address now (a crowd sending from one office): the customer-history probe of that
    # address (rma.returns.customer_history._crowded_keys) is planned from the table's statistics, which autovacuum
    # refreshes long before an address gathers that many orders in production. Without them, PostgreSQL took the
    # new address for a rare one and sorted its thousands of orders on every creation (4 ms each).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
    walked = [portal_walk(order, reason.pk) for order in made[orders:]]
    # The creations drop their parcel at a carrier's point the drop-off step offers (a shop's counter has its flow).
    point = DropOffPoint.objects.filter(pk__in=walked[0]["offered"]).exclude(kind="store").order_by("pk").first()
    if point is None:
        raise SystemExit("the drop-off step offered no carrier point to the bench customer in Paris")
    return {
        "integration": actor("bench-integration", roles.INTEGRATION),
        "agent": actor("bench-agent", roles.AGENT),
        "warehouse": {**operator, "code": warehouse.code},
        "store": {**assistant, "code": store.code if store else ""},
        "reason": reason.code,
        "point_id": point.pk,
        "point_kind": point.kind,
        "creation_orders": made[:orders],
        "portal_sessions": [walk["session"] for walk in walked],
        **samples(warehouse.pk),
        **webhooks(fake_shipx),
    }


def labels_enqueue(count: int) -> dict[str, Any]:
    """Hand the `count` newest pending labels to the worker, as their approvals do (bench/labels.py's
    labels_hand_over: the other labels waiting are held back)."""
    import labels

    from rma.shipping.models import Label

    ids = list(Label.objects.filter(status="pending").order_by("-pk").values_list("pk", flat=True)[:count])
    started = labels.labels_hand_over(ids)
    return {"labels": ids, "started": started}


def render_rate(seconds: float) -> dict[str, float]:
    """Label sets per second from the renderer alone, in this one process: label_content_build and
    label_render_files (A6 PDF, 4x6 PDF, ZPL), what label_generate renders (bench/labels.py's pool)."""
    import labels

    from rma.shipping.carriers.builtin import tracking_number_for
    from rma.shipping.services import label_content_build, label_render_files

    def render(pair: tuple[Any, Any]) -> object:
        label, return_request = pair
        content = label_content_build(
            label=label,
            return_request=return_request,
            tracking_number=tracking_number_for(str(return_request.public_id)),
        )
        return label_render_files(content=content, formats=("pdf", "pdf_4x6", "zpl"))

    return {"rate": labels.rate(render=render, pool=labels.make_model_pool(), seconds=seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--orders", type=int, default=0, help="fresh orders for the creation measure")
    parser.add_argument("--walks", type=int, default=PORTAL_SESSIONS, help="customer sessions at the review step")
    parser.add_argument("--labels", type=int, default=0, help="only enqueue this many pending labels")
    parser.add_argument("--render", type=float, default=0.0, help="only time the renderer for this many seconds")
    options = parser.parse_args()
    import django

    django.setup()
    if options.labels:
        result: dict[str, Any] = labels_enqueue(options.labels)
    elif options.render:
        result = render_rate(options.render)
    else:
        result = setup(options.orders, options.walks, json.loads(os.environ["BENCH_FAKE_SHIPX"]))
    options.out.write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
