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
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).parent / "payloads"
TOKEN = "shpat_fake_token"
CLIENT_SECRET = "fake-client-secret"
VERSION = "2025-10"
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


def _z(value: str | None) -> str | None:
    """A REST timestamp as GraphQL writes it (UTC, Z)."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(amount: Any, currency: str = "EUR") -> dict[str, Any]:
    return {"shopMoney": {"amount": str(Decimal(str(amount)).quantize(Decimal("0.01"))), "currencyCode": currency}}


class FakeShopify:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.orders: dict[str, dict[str, Any]] = {}
        self.transactions: dict[str, list[dict[str, Any]]] = {}
        self.products: dict[str, dict[str, Any]] = {}
        self.gift_cards: list[dict[str, Any]] = []
        self.discounts: list[dict[str, Any]] = []
        self.gift_cards_enabled = True
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
                if self.path != f"/admin/api/{VERSION}/graphql.json":
                    return self._send(404, {"errors": "Not Found"})
                if self.headers.get("X-Shopify-Access-Token") != TOKEN:
                    return self._send(
                        401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
                    )
                body = json.loads(raw)
                status, answer, headers = fake.answer(body.get("query", ""), body.get("variables") or {})
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

    def answer(self, query: str, variables: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        root = next((name for name in ROOT_FIELDS if re.search(rf"\b{name}\s*\(", query)), "")
        with self.lock:
            self.calls.append({"root": root, "variables": copy.deepcopy(variables), "query": query})
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
            answer = handler(variables)
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

    # ---- queries

    def _order_node(self, rest: dict[str, Any]) -> dict[str, Any]:
        currency = rest["currency"]
        ref = str(rest["id"])

        def address(a: dict[str, Any] | None) -> dict[str, Any] | None:
            if not a:
                return None
            return {
                "name": a.get("name"),
                "firstName": a.get("first_name"),
                "lastName": a.get("last_name"),
                "address1": a.get("address1"),
                "address2": a.get("address2"),
                "zip": a.get("zip"),
                "city": a.get("city"),
                "countryCodeV2": a.get("country_code"),
                "phone": a.get("phone"),
            }

        lines = []
        for item in rest["line_items"]:
            quantity = item["quantity"]
            discount = sum((Decimal(a["amount"]) for a in item.get("discount_allocations", [])), Decimal(0))
            product = self.products.get(str(item["product_id"])) or {}
            lines.append(
                {
                    "id": f"gid://shopify/LineItem/{item['id']}",
                    "sku": item.get("sku"),
                    "name": item.get("name"),
                    "title": item.get("title"),
                    "variantTitle": item.get("variant_title"),
                    "quantity": quantity,
                    "originalUnitPriceSet": _money(item["price"], currency),
                    "discountedUnitPriceAfterAllDiscountsSet": _money(
                        Decimal(item["price"]) - discount / quantity, currency
                    ),
                    "taxLines": [
                        {"rate": t["rate"], "title": t["title"], "priceSet": _money(t["price"], currency)}
                        for t in item.get("tax_lines", [])
                    ],
                    "variant": {"id": f"gid://shopify/ProductVariant/{item['variant_id']}"}
                    if item.get("variant_id")
                    else None,
                    "product": {
                        "id": f"gid://shopify/Product/{item['product_id']}",
                        "productType": product.get("productType", ""),
                    }
                    if item.get("product_id")
                    else None,
                }
            )
        refunds = [
            {
                "id": f"gid://shopify/Refund/{r['id']}",
                "note": r.get("note"),
                "createdAt": _z(r.get("created_at")),
                "refundLineItems": {
                    "nodes": [
                        {
                            "quantity": i["quantity"],
                            "restockType": str(i.get("restock_type") or "no_restock").upper(),
                            "lineItem": {"id": f"gid://shopify/LineItem/{i['line_item_id']}"},
                        }
                        for i in r.get("refund_line_items", [])
                    ]
                },
            }
            for r in rest.get("refunds", [])
        ]
        fulfillments = [
            {
                "id": f"gid://shopify/Fulfillment/{f['id']}",
                "status": str(f.get("status", "success")).upper(),
                "displayStatus": "DELIVERED" if f.get("shipment_status") == "delivered" else "FULFILLED",
                "deliveredAt": _z(f.get("delivered_at")),
            }
            for f in rest.get("fulfillments", [])
        ]
        customer = rest.get("customer")
        return {
            "id": f"gid://shopify/Order/{ref}",
            "legacyResourceId": ref,
            "name": rest["name"],
            "email": rest.get("email"),
            "phone": rest.get("phone"),
            "createdAt": _z(rest["created_at"]),
            "updatedAt": _z(rest["updated_at"]),
            "cancelledAt": _z(rest.get("cancelled_at")),
            "currencyCode": currency,
            "customerLocale": rest.get("customer_locale"),
            "taxesIncluded": rest.get("taxes_included", False),
            "customer": {
                "id": f"gid://shopify/Customer/{customer['id']}",
                "firstName": customer.get("first_name"),
                "lastName": customer.get("last_name"),
            }
            if customer
            else None,
            "shippingAddress": address(rest.get("shipping_address")),
            "billingAddress": address(rest.get("billing_address")),
            "lineItems": {"nodes": lines},
            "refunds": refunds,
            "fulfillments": fulfillments,
            "transactions": [
                {
                    "id": t["id"],
                    "kind": t["kind"],
                    "status": t["status"],
                    "gateway": t["gateway"],
                    "amountSet": _money(t["amount"], currency),
                    "parentTransaction": {"id": t["parent"]} if t["parent"] else None,
                }
                for t in self.transactions.get(ref, [])
            ],
        }

    def _orders(self, variables: dict[str, Any]) -> dict[str, Any]:
        match = re.search(r"updated_at:>='([^']+)'", variables.get("query") or "")
        since = datetime.fromisoformat(match.group(1)) if match else None
        selected = sorted(
            (o for o in self.orders.values() if since is None or datetime.fromisoformat(o["updated_at"]) >= since),
            key=lambda o: (datetime.fromisoformat(o["updated_at"]), o["id"]),
        )
        start = int(base64.b64decode(variables["after"]).decode().split(":")[1]) if variables.get("after") else 0
        first = min(int(variables.get("first") or 50), 250)
        page = selected[start : start + first]
        end = start + len(page)
        return {
            "data": {
                "orders": {
                    "nodes": [self._order_node(o) for o in page],
                    "pageInfo": {
                        "hasNextPage": end < len(selected),
                        "endCursor": base64.b64encode(f"cursor:{end}".encode()).decode() if page else None,
                    },
                }
            }
        }

    def _order(self, variables: dict[str, Any]) -> dict[str, Any]:
        ref = str(variables["id"]).rsplit("/", 1)[-1]
        order = self.orders.get(ref)
        return {"data": {"order": self._order_node(order) if order else None}}

    def _nodes(self, variables: dict[str, Any]) -> dict[str, Any]:
        nodes: list[dict[str, Any] | None] = []
        for value in variables.get("ids") or []:
            product = self.products.get(str(value).rsplit("/", 1)[-1]) if "/Product/" in str(value) else None
            nodes.append({"id": value, "productType": product["productType"]} if product else None)
        return {"data": {"nodes": nodes}}

    def _product(self, variables: dict[str, Any]) -> dict[str, Any]:
        ref = str(variables["id"]).rsplit("/", 1)[-1]
        product = self.products.get(ref)
        if product is None:
            return {"data": {"product": None}}
        return {
            "data": {
                "product": {
                    "id": f"gid://shopify/Product/{ref}",
                    "variants": {
                        "nodes": [
                            {
                                "id": f"gid://shopify/ProductVariant/{v['id']}",
                                "sku": v["sku"],
                                "price": v["price"],
                                "inventoryQuantity": v.get("inventoryQuantity"),
                                "availableForSale": v.get("inventoryQuantity", 0) > 0,
                                "selectedOptions": [{"name": n, "value": val} for n, val in v["options"].items()],
                            }
                            for v in product["variants"]
                        ]
                    },
                }
            }
        }

    def _productVariants(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        query = variables.get("query") or ""
        for ref, product in self.products.items():
            for v in product["variants"]:
                if query in (f"sku:{v['sku']}", f"id:{v['id']}"):
                    return {
                        "data": {
                            "productVariants": {
                                "nodes": [
                                    {
                                        "id": f"gid://shopify/ProductVariant/{v['id']}",
                                        "product": {"id": f"gid://shopify/Product/{ref}"},
                                    }
                                ]
                            }
                        }
                    }
        return {"data": {"productVariants": {"nodes": []}}}

    # ---- money

    def _refundCreate(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        data = variables["input"]
        ref = str(data["orderId"]).rsplit("/", 1)[-1]
        order = self.orders.get(ref)

        def refused(field: list[str], message: str) -> dict[str, Any]:
            return {"data": {"refundCreate": {"refund": None, "userErrors": [{"field": field, "message": message}]}}}

        if order is None:
            return refused(["orderId"], "Order does not exist")
        lines = {f"gid://shopify/LineItem/{i['id']}": i for i in order["line_items"]}
        refunded: dict[int, int] = {}
        for r in order.get("refunds", []):
            for i in r["refund_line_items"]:
                refunded[i["line_item_id"]] = refunded.get(i["line_item_id"], 0) + i["quantity"]
        items = []
        for index, item in enumerate(data.get("refundLineItems") or []):
            line = lines.get(item["lineItemId"])
            if line is None:
                return refused(["refundLineItems", str(index), "lineItemId"], "Line item does not exist")
            if item.get("restockType", "RETURN") not in ("RETURN", "NO_RESTOCK", "CANCEL"):
                return refused(["refundLineItems", str(index), "restockType"], "Restock type is invalid")
            left = line["quantity"] - refunded.get(line["id"], 0)
            if item["quantity"] > left:
                return refused(
                    ["refundLineItems", str(index), "quantity"],
                    "Quantity cannot refund more items than were purchased",
                )
            refunded[line["id"]] = refunded.get(line["id"], 0) + item["quantity"]
            items.append(
                {
                    "id": self.next_id(),
                    "line_item_id": line["id"],
                    "quantity": item["quantity"],
                    "restock_type": item.get("restockType", "RETURN").lower(),
                    "location_id": int(str(item["locationId"]).rsplit("/", 1)[-1]) if item.get("locationId") else None,
                }
            )
        transactions = self.transactions[ref]
        new = []
        for index, t in enumerate(data.get("transactions") or []):
            parent = next((p for p in transactions if p["id"] == t.get("parentId")), None)
            if parent is None or t.get("kind") != "REFUND" or parent["gateway"] != t.get("gateway"):
                return refused(["transactions", str(index)], "Transaction parent or gateway is invalid")
            done = sum((c["amount"] for c in transactions if c["parent"] == parent["id"]), Decimal(0))
            if Decimal(t["amount"]) > parent["amount"] - done:
                return refused(["transactions", str(index), "amount"], "Amount cannot be greater than refundable")
            new.append(
                {
                    "id": f"gid://shopify/OrderTransaction/{self.next_id()}",
                    "kind": "REFUND",
                    "status": "SUCCESS",
                    "gateway": t["gateway"],
                    "amount": Decimal(t["amount"]),
                    "parent": parent["id"],
                }
            )
        transactions.extend(new)
        refund = {
            "id": self.next_id(),
            "order_id": order["id"],
            "note": data.get("note"),
            "created_at": "2026-11-20T10:00:00+00:00",
            "refund_line_items": items,
            "transactions": [{"amount": str(t["amount"]), "parent_id": t["parent"]} for t in new],
            "notify": data.get("notify"),
        }
        order.setdefault("refunds", []).append(refund)
        return {
            "data": {
                "refundCreate": {
                    "refund": {"id": f"gid://shopify/Refund/{refund['id']}", "note": refund["note"]},
                    "userErrors": [],
                }
            }
        }

    def _giftCards(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        query = str(variables.get("query") or "").lower()
        nodes = [
            {"id": c["id"], "lastCharacters": c["code"][-4:].lower(), "note": c["note"]}
            for c in self.gift_cards
            if query and c["code"].lower() == query and not self.search_lag
        ]
        return {"data": {"giftCards": {"nodes": nodes}}}

    def _giftCardCreate(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        if not self.gift_cards_enabled:
            return {
                "errors": [
                    {"message": "Access denied for giftCardCreate field.", "extensions": {"code": "ACCESS_DENIED"}}
                ],
                "data": {"giftCardCreate": None},
            }
        data = variables["input"]
        code = str(data.get("code") or "")

        def refused(code_: str, message: str) -> dict[str, Any]:
            return {
                "data": {
                    "giftCardCreate": {
                        "giftCard": None,
                        "userErrors": [{"field": ["input", "code"], "message": message, "code": code_}],
                    }
                }
            }

        if not re.fullmatch(r"[A-Za-z0-9]{8,20}", code):
            return refused("INVALID", "Code is invalid")
        if any(c["code"].lower() == code.lower() for c in self.gift_cards):
            return refused("TAKEN", "Code has already been taken")
        card = {
            "id": f"gid://shopify/GiftCard/{self.next_id()}",
            "code": code,
            "note": data.get("note"),
            "initialValue": data["initialValue"],
            "expiresOn": data.get("expiresOn"),
            "customerId": data.get("customerId"),
        }
        self.gift_cards.append(card)
        return {
            "data": {
                "giftCardCreate": {
                    "giftCard": {"id": card["id"], "lastCharacters": code[-4:].lower()},
                    "userErrors": [],
                }
            }
        }

    def _codeDiscountNodeByCode(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        found = next((d for d in self.discounts if d["code"].lower() == str(variables["code"]).lower()), None)
        return {"data": {"codeDiscountNodeByCode": {"id": found["id"]} if found else None}}

    def _discountCodeBasicCreate(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        data = variables["discount"]
        if any(d["code"].lower() == data["code"].lower() for d in self.discounts):
            return {
                "data": {
                    "discountCodeBasicCreate": {
                        "codeDiscountNode": None,
                        "userErrors": [
                            {
                                "field": ["basicCodeDiscount", "code"],
                                "message": "Code must be unique.",
                                "code": "TAKEN",
                            }
                        ],
                    }
                }
            }
        discount = {"id": f"gid://shopify/DiscountCodeNode/{self.next_id()}", **data}
        self.discounts.append(discount)
        return {"data": {"discountCodeBasicCreate": {"codeDiscountNode": {"id": discount["id"]}, "userErrors": []}}}
