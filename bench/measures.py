"""The requests of each measure, built from what bench/prepare.py made: who asks, for what, with which data."""

import base64
import hashlib
import hmac
import json
import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from load import Call

OK = frozenset({200})
CREATED = frozenset({201})
ACCEPTED = frozenset({202})
REDIRECT = frozenset({302})


@dataclass(frozen=True)
class Measure:
    """One line of the report: its name, the prepared requests and the answers that count as success."""

    name: str
    calls: list[Call]
    expect: frozenset[int] = OK
    repeat: bool = True  # cycle through the calls; False: each call once (each one writes something new)


def token(actor: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Token {actor['token']}", "Accept": "application/json"}


def session(key: str) -> dict[str, str]:
    return {"Cookie": f"sessionid={key}"}


def get(path: str, headers: dict[str, str]) -> Call:
    return Call("GET", path, None, headers)


def post_json(path: str, payload: Any, headers: dict[str, str]) -> Call:
    return Call("POST", path, json.dumps(payload).encode(), {**headers, "Content-Type": "application/json"})


def baseline_insert(count: int) -> Measure:
    """The bare DRF view: validate a tiny body, insert one row, answer 201."""
    calls = [post_json("/items/", {"name": f"item {index}", "quantity": 1 + index % 5}, {}) for index in range(count)]
    return Measure("bare insert (baseline)", calls, CREATED, repeat=False)


def creation_orders(data: dict[str, Any]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The fresh orders, split between the synchronous creation (a quarter: it makes tens a second) and the
    creation accepted for later (the rest: it accepts hundreds a second)."""
    orders = data["creation_orders"]
    return orders[: len(orders) // 4], orders[len(orders) // 4 :]


def _creation_calls(data: dict[str, Any], orders: list[dict[str, str]], headers: dict[str, str]) -> list[Call]:
    return [
        post_json(
            "/api/v1/returns/",
            {
                "order": order["order"],
                "lines": [{"order_line": order["line"], "quantity": 1, "reason": data["reason"]}],
                "resolution": "refund",
                "drop_off": {"method": data["point_kind"], "point_id": data["point_id"]},
                "submit": True,
            },
            headers,
        )
        for order in orders
    ]


def creation(data: dict[str, Any]) -> Measure:
    """POST /api/v1/returns/ with submit: one return per fresh order, as a shop's integration creates them."""
    calls = _creation_calls(data, creation_orders(data)[0], token(data["integration"]))
    return Measure("creation: POST /api/v1/returns/ (submit)", calls, CREATED, repeat=False)


def creation_async(data: dict[str, Any]) -> Measure:
    """The same requests with `Prefer: respond-async`: checked, kept and answered 202; a worker makes the returns
    afterwards (bench/app.py `intakes_drain` measures that)."""
    headers = {**token(data["integration"]), "Prefer": "respond-async"}
    calls = _creation_calls(data, creation_orders(data)[1], headers)
    return Measure("creation: the same, Prefer: respond-async", calls, ACCEPTED, repeat=False)


def lookups(data: dict[str, Any], count: int) -> Measure:
    """The portal's order lookup form, each attempt from its own address (the per-address limit is 10 / 10 min)."""
    csrf = secrets.token_hex(16)  # an unmasked 32-character secret: Django accepts it as cookie and as field
    network = random.randrange(1, 250)
    calls = []
    for index in range(count):
        number, email = data["lookups"][index % len(data["lookups"])]
        body = urlencode({"order_number": number, "email_or_postcode": email, "csrfmiddlewaretoken": csrf})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "X-Forwarded-For": f"10.{network}.{index // 250 % 250}.{index % 250 + 1}",
        }
        calls.append(Call("POST", "/", body.encode(), headers))
    return Measure("portal: order lookup (POST)", calls, REDIRECT)


def pages(data: dict[str, Any]) -> list[Measure]:
    """Every page and list whose cost could grow with the data, as their users open them."""
    portal = [session(key) for key in data["portal_sessions"]]
    agent, operator, assistant, api = (
        session(data["agent"]["session"]),
        session(data["warehouse"]["session"]),
        session(data["store"]["session"]),
        token(data["agent"]),
    )
    wh_api = token(data["warehouse"])
    measures = [lookups(data, 5000)]
    for step in ("items", "reasons", "resolution", "drop-off", "review"):
        measures.append(Measure(f"portal: {step} step", [get(f"/return/{step}/", h) for h in portal]))
    returns, emails = data["returns"], data["emails"]
    measures += [
        Measure("warehouse: board", [get("/warehouse/", operator)]),
        Measure("warehouse API: expected", [get("/api/v1/warehouse/expected/", wh_api)]),
        Measure("warehouse API: awaiting refund", [get("/api/v1/warehouse/awaiting-refund/", wh_api)]),
        Measure("warehouse: destroyed units report", [get("/warehouse/reports/destroyed/", operator)]),
        Measure("warehouse: discrepancy report", [get("/warehouse/reports/discrepancies/", operator)]),
        Measure("agents: review queue", [get("/agents/", agent)]),
        Measure("insights: carbon footprint", [get("/insights/footprint/", agent)]),
        Measure("insights: dispositions", [get("/insights/dispositions/", agent)]),
        *[
            Measure(f"insights: analytics {sheet}", [get(f"/insights/analytics/{sheet}/", agent)])
            for sheet in ("rates", "reasons", "refunds", "shipments")
        ],
        Measure("insights API: analytics refunds", [get("/api/v1/insights/analytics/refunds/", api)]),
        Measure("agents: return page", [get(f"/agents/returns/{public_id}/", agent) for public_id in returns]),
        Measure("store: counter", [get("/store/", assistant)]),
        Measure("store: shipments", [get("/store/shipments/", assistant)]),
        Measure("API: returns, first page", [get("/api/v1/returns/", api)]),
        Measure("API: returns by status", [get("/api/v1/returns/?status=in_transit", api)]),
        Measure(
            "API: returns by contact_email",
            [get(f"/api/v1/returns/?contact_email={quote(email)}", api) for email in emails],
        ),
        Measure("API: return detail", [get(f"/api/v1/returns/{public_id}/", api) for public_id in returns]),
        Measure(
            "API: customer history by email",
            [get(f"/api/v1/customers/history/?email={quote(email)}", api) for email in emails],
        ),
    ]
    return measures


def scans(data: dict[str, Any]) -> list[Measure]:
    """The warehouse scan-in lookup of parcels already received: it finds the return and changes nothing."""
    operator, warehouse = token(data["warehouse"]), data["warehouse"]["code"]
    by_tracking = [
        post_json("/api/v1/warehouse/scan/", {"code": code, "warehouse": warehouse}, operator)
        for code in data["scan_tracking"]
    ]
    by_rma = [
        post_json("/api/v1/warehouse/scan/", {"code": code, "warehouse": warehouse}, operator)
        for code in data["scan_rma"]
    ]
    return [Measure("scan: by tracking number", by_tracking), Measure("scan: by RMA number", by_rma)]


def shop_webhooks(data: dict[str, Any], count: int) -> Measure:
    """Signed WooCommerce order.created deliveries, each with its own delivery id (each is stored once)."""
    from connectors import woo_order

    secret, run = data["shop_secret"].encode(), secrets.token_hex(4)
    calls = []
    for index in range(count):
        body = json.dumps(woo_order(index)).encode()
        headers = {
            "Content-Type": "application/json",
            "X-WC-Webhook-Source": "https://shop.example/",
            "X-WC-Webhook-Topic": "order.created",
            "X-WC-Webhook-Resource": "order",
            "X-WC-Webhook-Event": "created",
            "X-WC-Webhook-Signature": base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode(),
            "X-WC-Webhook-ID": "7",
            "X-WC-Webhook-Delivery-ID": f"bench-{run}-{index}",
        }
        calls.append(Call("POST", f"/webhooks/shops/{data['shop_connection']}/", body, headers))
    return Measure("webhook: shop delivery (WooCommerce)", calls, OK, repeat=False)


def carrier_webhooks(data: dict[str, Any], count: int) -> Measure:
    """InPost status changes for parcels in transit, each a new event (its own time)."""
    auth = base64.b64encode(f"inpost:{data['inpost_token']}".encode()).decode()
    headers = {"Content-Type": "application/json", "Authorization": f"Basic {auth}"}
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    numbers = data["inpost_tracking"]
    calls = []
    for index in range(count):
        at = (start + timedelta(seconds=index)).strftime("%Y-%m-%d %H:%M:%S +0000")
        body = {
            "event_ts": at,
            "event": "shipment_status_changed",
            "organization_id": int(data["inpost_organization"]),
            "payload": {
                "shipment_id": 1000 + index,
                "status": "adopted_at_sorting_center",
                "tracking_number": numbers[index % len(numbers)],
            },
        }
        calls.append(Call("POST", "/webhooks/carriers/inpost/", json.dumps(body).encode(), headers))
    return Measure("webhook: carrier tracking (InPost)", calls, OK, repeat=False)
