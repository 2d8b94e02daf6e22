"""A fake Shopify shop on 127.0.0.1: the GraphQL Admin API as Shopify answers it, and webhooks as it signs them.

The shop's state is kept as Shopify's REST order JSON (the webhook payloads); GraphQL answers are built from it,
so that both ways in describe the same orders. No GraphQL parser: each request is recognised by its root field
(``refundCreate(``, ``orders(``…) and answered in Shopify's shape (``data``, ``errors`` with
``extensions.code``, ``extensions.cost.throttleStatus``). Requests are recorded; faults can be scripted per root
field (an HTTP status, 429 with Retry-After, THROTTLED, applied-then-failed, held until released).
"""

import base64
import copy
import hashlib
import hmac
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from tests.connectors.shopify.fake_catalogue import CatalogueAnswers
from tests.connectors.shopify.fake_money import MoneyAnswers

PAYLOADS = Path(__file__).parent / "payloads"
TOKEN = "shpat_fake_token"
CLIENT_SECRET = "fake-client-secret"
CLIENT_ID = "3f7a2c9e1b5d4f6a8c0e2b4d6f8a0c1e"
VERSION = "2026-10"
# Recognised in this order (``order(`` would also match ``orders(``, so the longer names come first).
ROOT_FIELDS = (
    "refundCreate",
    "giftCardCreate",
    "discountCodeBasicCreate",
    "codeDiscountNodeByCode",
    "giftCards",
    "productVariants",
    "nodes",
    "product",
    "orders",
    "order",
)


def payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / name).read_text())


def sign(body: bytes, secret: str = CLIENT_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_headers(topic: str, body: bytes, *, webhook_id: str | None = None, secret: str = CLIENT_SECRET) -> dict:
    """The headers Shopify sends with a delivery (Django test client spelling)."""
    return {
        "HTTP_X_SHOPIFY_TOPIC": topic,
        "HTTP_X_SHOPIFY_HMAC_SHA256": sign(body, secret),
        "HTTP_X_SHOPIFY_SHOP_DOMAIN": "maison-lin.myshopify.com",
        "HTTP_X_SHOPIFY_WEBHOOK_ID": webhook_id or str(uuid.uuid4()),
        "HTTP_X_SHOPIFY_EVENT_ID": str(uuid.uuid4()),
        "HTTP_X_SHOPIFY_API_VERSION": VERSION,
        "HTTP_X_SHOPIFY_TRIGGERED_AT": "2026-11-02T09:16:00.000000Z",
    }


@dataclass
class Fault:
    root: str
    status: int = 500
    times: int = 1
    skip: int = 0  # let this many matching requests through first
    apply: bool = False  # do what was asked, then fail the answer (the caller cannot know it was done)
    retry_after: str | None = None
    throttled: bool = False
    hold: threading.Event | None = None  # do it, then wait for this event before answering
    reached: threading.Event = field(default_factory=threading.Event)


class FakeShopify(CatalogueAnswers, MoneyAnswers):
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.orders: dict[str, dict[str, Any]] = {}
        self.transactions: dict[str, list[dict[str, Any]]] = {}
        self.products: dict[str, dict[str, Any]] = {}
        self.gift_cards: list[dict[str, Any]] = []
        self.discounts: list[dict[str, Any]] = []
        self.gift_cards_enabled = True
        self.idempotency: dict[str, dict[str, Any]] = {}
        self.grants: list[dict[str, str]] = []
        self.granted: set[str] = set()
        self.search_lag = False  # the gift card search does not show new cards yet
        self.calls: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.available = 1000.0
        self._ids = 900000
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-shopify", daemon=True)

    # ---- life

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeShopify":
        self.thread.start()
        return self

    def stop(self) -> None:
        for fault in self.faults:
            if fault.hold is not None:
                fault.hold.set()
        self.server.shutdown()
        self.server.server_close()

    # ---- the shop's state

    def next_id(self) -> int:
        with self.lock:
            self._ids += 1
            return self._ids

    def add_order(self, order: dict[str, Any], *, gateway: str = "shopify_payments") -> dict[str, Any]:
        with self.lock:
            ref = str(order["id"])
            self.orders[ref] = copy.deepcopy(order)
            self.transactions.setdefault(ref, []).append(
                {
                    "id": f"gid://shopify/OrderTransaction/{self.next_id()}",
                    "kind": "SALE",
                    "status": "SUCCESS",
                    "gateway": gateway,
                    "amount": Decimal(order["total_price"]),
                    "parent": None,
                }
            )
            for item in order["line_items"]:
                self.products.setdefault(
                    str(item["product_id"]), {"productType": "Shirts", "title": item["title"], "variants": []}
                )
            return self.orders[ref]

    def add_product(self, product_id: int, *, product_type: str, variants: list[dict[str, Any]]) -> None:
        with self.lock:
            self.products[str(product_id)] = {"productType": product_type, "title": "", "variants": variants}

    def refunds(self, order_ref: str | int | None = None) -> list[dict[str, Any]]:
        with self.lock:
            orders = [self.orders[str(order_ref)]] if order_ref else list(self.orders.values())
            return [refund for order in orders for refund in order.get("refunds", [])]

    def root_calls(self, root: str) -> list[dict[str, Any]]:
        return [call for call in self.calls if call["root"] == root]

    def fail(self, root: str, **kwargs: Any) -> Fault:
        fault = Fault(root=root, **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    # ---- HTTP

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
                pass

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path == "/admin/oauth/access_token":
                    return self._send(*fake.grant(raw, self.headers.get("Content-Type") or ""))
                match = re.fullmatch(r"/admin/api/(\d{4}-\d{2}|unstable)/graphql\.json", self.path)
                if match is None:
                    return self._send(404, {"errors": "Not Found"})
                if not fake.token_valid(self.headers.get("X-Shopify-Access-Token") or ""):
                    return self._send(
                        401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
                    )
                body = json.loads(raw)
                status, answer, headers = fake.answer(
                    body.get("query", ""), body.get("variables") or {}, version=match.group(1)
                )
                self._send(status, answer, headers)

            def _send(self, status: int, answer: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def grant(self, raw: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
        """The client credentials grant (form-encoded as the docs show, or JSON as shopify-api-js sends it)."""
        if "json" in content_type:
            form = {key: str(value) for key, value in json.loads(raw).items()}
        else:
            form = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
        with self.lock:
            self.grants.append(form)
            if form.get("grant_type") != "client_credentials" or (
                form.get("client_id"),
                form.get("client_secret"),
            ) != (
                CLIENT_ID,
                CLIENT_SECRET,
            ):
                return 400, {"error": "invalid_client", "error_description": "Client credentials are invalid"}
            token = f"shpat_granted_{self.next_id()}"
            self.granted.add(token)
        return 200, {"access_token": token, "scope": "read_orders,write_orders,write_gift_cards", "expires_in": 86399}

    def token_valid(self, token: str) -> bool:
        with self.lock:
            return token == TOKEN or token in self.granted

    def revoke_granted(self) -> None:
        with self.lock:
            self.granted.clear()

    def _cost(self, requested: int = 10) -> dict[str, Any]:
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": requested,
                "throttleStatus": {
                    "maximumAvailable": 2000.0,
                    "currentlyAvailable": self.available,
                    "restoreRate": 100.0,
                },
            }
        }

    def answer(
        self, query: str, variables: dict[str, Any], *, version: str = VERSION
    ) -> tuple[int, Any, dict[str, str]]:
        root = next((name for name in ROOT_FIELDS if re.search(rf"\b{name}\s*\(", query)), "")
        with self.lock:
            self.calls.append(
                {"root": root, "variables": copy.deepcopy(variables), "query": query, "version": version}
            )
            fault = next((f for f in self.faults if f.root == root and f.times > 0), None)
            if fault is not None and fault.skip > 0:
                fault.skip -= 1
                fault = None
            if fault is not None:
                fault.times -= 1
        if fault is not None and fault.throttled:
            fault.reached.set()
            errors = [
                {
                    "message": "Throttled",
                    "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/limits"},
                }
            ]
            cost = self._cost(requested=252)
            cost["cost"]["throttleStatus"]["currentlyAvailable"] = 152.0
            return 200, {"errors": errors, "extensions": cost}, {}
        if fault is not None and not fault.apply and fault.hold is None:
            fault.reached.set()
            return self._failure(fault)
        handler = getattr(self, f"_{root}", None)
        if handler is None:
            return (
                200,
                {
                    "errors": [
                        {"message": f"Field is not known: {query[:80]}", "extensions": {"code": "undefinedField"}}
                    ]
                },
                {},
            )
        with self.lock:
            self.query = query
            answer = self._idempotent(root, query, variables, version, lambda: handler(variables))
        if fault is not None:
            fault.reached.set()
            if fault.hold is not None:
                fault.hold.wait(timeout=60)
                if not fault.apply:
                    return 200, answer, {}
            return self._failure(fault)
        if "errors" not in answer:
            answer["extensions"] = self._cost()
        return 200, answer, {}

    def _idempotent(self, root: str, query: str, variables: dict[str, Any], version: str, run: Any) -> dict[str, Any]:
        """refundCreate's ``@idempotent(key:)`` (2026-01 on; required from 2026-04): a key seen before gets the
        first answer again."""
        if root != "refundCreate":
            return dict(run())
        found = re.search(r"@idempotent\(key:\s*\$(\w+)\s*\)", query)
        if found is None:
            if version >= "2026-04":
                return {"errors": [{"message": "The @idempotent directive is required for this mutation.",
                                    "extensions": {"code": "BAD_REQUEST"}}]}  # fmt: skip
            return dict(run())
        key = str(variables[found.group(1)])
        if key not in self.idempotency:
            self.idempotency[key] = run()
        return copy.deepcopy(self.idempotency[key])

    @staticmethod
    def _failure(fault: Fault) -> tuple[int, Any, dict[str, str]]:
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        if fault.status == 429:
            return (
                429,
                {
                    "errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume "
                    "uninterrupted service."
                },
                headers,
            )
        return fault.status, {"errors": "Internal Server Error"}, headers
