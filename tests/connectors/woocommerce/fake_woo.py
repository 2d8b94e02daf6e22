"""A WooCommerce REST API v3 for tests: a real HTTP server on 127.0.0.1 speaking ``/wp-json/wc/v3/…``.

It checks HTTP Basic auth with the consumer key and secret, answers errors as WooCommerce does (``{"code",
"message", "data": {"status"}}``), pages collections with ``page``/``per_page`` and ``X-WP-Total``/
``X-WP-TotalPages``, creates refunds as ``wc_create_refund`` does (amount checked against what is left, refund lines
with negative quantities naming the refunded line in ``_refunded_item_id``, restock of the refunded quantities only
when ``api_restock`` is true) and coupons with unique lower-cased codes. It records every request, and can be told
to fail (``fail``: a status, optionally after doing the work, like a timeout after the shop acted; 429 with
``Retry-After``) or to hold an answer after doing the work (``hold``) until released.
"""

import base64
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

PREFIX = "/wp-json/wc/v3/"
# GET /orders ``orderby`` (_orders.md lists the first five; WooCommerce also accepts "modified").
ORDERBY = ("date", "id", "include", "title", "slug", "modified")


@dataclass
class Hit:
    method: str
    path: str  # after /wp-json/wc/v3/
    query: dict[str, str]
    body: Any


@dataclass
class Fault:
    method: str
    pattern: str
    status: int
    times: int
    after: bool = False  # do the work, then answer the error (the answer was lost)
    retry_after: str | None = None
    query: dict[str, str] | None = None  # only requests with these query parameters
    skip: int = 0  # let this many matching requests through first


@dataclass
class FakeWoo:
    key: str = "ck_test"
    secret: str = "cs_test"
    url: str = ""
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    coupons: list[dict[str, Any]] = field(default_factory=list)
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    variations: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    restocked: list[tuple[int, int]] = field(default_factory=list)  # (product or variation id, units)
    hits: list[Hit] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 5000
    held: threading.Event = field(default_factory=threading.Event)
    # (method, path pattern) → (status, body): the answer sent instead of the fake's own, after doing the work
    # (the documented example bodies, which know nothing of what was sent).
    canned: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    links_only: bool = False  # page with the Link header only, as behind a proxy that drops X-WP-* headers
    weight_unit: str = "kg"  # the store's woocommerce_weight_unit: what its products' weight strings are in
    _hold: tuple[str, str] | None = None
    _release: threading.Event = field(default_factory=threading.Event)

    def fail(self, method: str, pattern: str, status: int, *, times: int = 1, **kwargs: Any) -> None:
        self.faults.append(Fault(method, pattern, status, times, **kwargs))

    def hold(self, method: str, pattern: str) -> None:
        """Do the work of the next matching request, then keep its answer until ``release``."""
        self._hold = (method, pattern)
        self.held.clear()
        self._release.clear()

    def release(self) -> None:
        self._hold = None
        self._release.set()

    def calls(self, method: str, pattern: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.method == method and re.fullmatch(pattern, hit.path)]

    def add_order(self, order: dict[str, Any]) -> dict[str, Any]:
        order = json.loads(json.dumps(order))
        order.setdefault("refunds", [])
        self.orders[int(order["id"])] = order
        return order

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _fault(self, method: str, path: str, query: dict[str, str]) -> Fault | None:
        for fault in self.faults:
            if fault.query and any(query.get(k) != v for k, v in fault.query.items()):
                continue
            if fault.times > 0 and fault.method == method and re.fullmatch(fault.pattern, path):
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.times -= 1
                return fault
        return None


def _error(status: int, code: str, message: str) -> tuple[int, Any, dict[str, str]]:
    return status, {"code": code, "message": message, "data": {"status": status}}, {}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _page(items: list[dict[str, Any]], query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
    per_page = int(query.get("per_page", 10))
    if not 1 <= per_page <= 100:
        return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
    page = int(query.get("page", 1))
    pages = -(-len(items) // per_page)
    headers = {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)}
    return 200, items[(page - 1) * per_page : page * per_page], headers


def _links(woo: FakeWoo, path: str, query: dict[str, str], pages: int) -> dict[str, str]:
    """The Link header of a page (rel next/last), without X-WP-Total and X-WP-TotalPages."""
    page = int(query.get("page", 1))
    links = []
    for rel, number in (("next", page + 1), ("last", pages)):
        if rel == "last" or page < pages:
            url = f"{woo.url}{PREFIX}{path}?{urlencode({**query, 'page': number})}"
            links.append(f'<{url}>; rel="{rel}"')
    return {"Link": ", ".join(links)} if links else {}


def _route(woo: FakeWoo, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
    if method == "GET" and path == "orders":
        orders = list(woo.orders.values())
        if "modified_after" in query:
            assert query.get("dates_are_gmt") == "true", "modified_after must be read as GMT"
            orders = [o for o in orders if o["date_modified_gmt"] > query["modified_after"]]
        orderby = query.get("orderby", "date")
        if orderby not in ORDERBY:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): orderby")
        if orderby in ("modified", "date"):
            field = f"date_{orderby}_gmt" if orderby == "modified" else "date_created_gmt"
            orders.sort(key=lambda o: (o[field], o["id"]), reverse=query.get("order", "desc") != "asc")
        else:
            orders.sort(key=lambda o: o["id"], reverse=query.get("order", "desc") != "asc")
        return _page(orders, query)
    if match := re.fullmatch(r"orders/(\d+)", path):
        order = woo.orders.get(int(match[1]))
        if order is None:
            return _error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        return 200, order, {}
    if match := re.fullmatch(r"orders/(\d+)/refunds", path):
        order = woo.orders.get(int(match[1]))
        if order is None:
            return _error(404, "woocommerce_rest_invalid_order_id", "Invalid order ID.")
        if method == "GET":
            return _page(sorted(woo.refunds.get(order["id"], []), key=lambda r: -r["id"]), query)
        return _refund_create(woo, order, body)
    if path == "coupons":
        if method == "GET":
            code = query.get("code", "").lower()
            return _page([c for c in woo.coupons if not code or c["code"] == code], query)
        if not body.get("code"):
            return _error(400, "woocommerce_rest_empty_coupon_code", "The coupon code cannot be empty.")
        code = str(body["code"]).lower()
        if any(c["code"] == code for c in woo.coupons):
            return _error(400, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists")
        coupon = {**body, "id": woo.new_id(), "code": code, "usage_count": 0, "date_created_gmt": _now()}
        woo.coupons.append(coupon)
        return 201, coupon, {}
    if method == "GET" and path == "products":
        ids = [int(i) for i in query.get("include", "").split(",") if i]
        return _page([p for i, p in woo.products.items() if not ids or i in ids], query)
    if match := re.fullmatch(r"products/(\d+)", path):
        product = woo.products.get(int(match[1]))
        if product is None:
            return _error(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        return 200, product, {}
    if match := re.fullmatch(r"products/(\d+)/variations", path):
        parent = woo.products.get(int(match[1]))
        if parent is None:
            return _error(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        ids = [int(i) for i in query.get("include", "").split(",") if i]
        # In the view context a variation without a weight of its own answers its parent's (WC_Product_Variation).
        variations = [
            {**v, "weight": v["weight"] or parent.get("weight", "")} if "weight" in v else v
            for v in woo.variations.get(int(match[1]), [])
            if not ids or v["id"] in ids
        ]
        return _page(variations, query)
    if method == "GET" and path == "settings/products/woocommerce_weight_unit":
        return 200, _weight_unit_setting(woo.weight_unit), {}
    return _error(404, "rest_no_route", "No route was found matching the URL and request method.")


def _weight_unit_setting(value: str) -> dict[str, Any]:
    """GET settings/products/woocommerce_weight_unit, as the settings controller answers it."""
    return {
        "id": "woocommerce_weight_unit",
        "label": "Weight unit",
        "description": "This controls what unit you will define weights in.",
        "type": "select",
        "default": "kg",
        "options": {"kg": "kg", "g": "g", "lbs": "lbs", "oz": "oz"},
        "tip": "This controls what unit you will define weights in.",
        "value": value,
        "_links": {"self": [{"href": "/wp-json/wc/v3/settings/products/woocommerce_weight_unit"}]},
    }


def _refund_create(woo: FakeWoo, order: dict[str, Any], body: Any) -> tuple[int, Any, dict[str, str]]:
    lines = {str(line["id"]): line for line in order["line_items"]}
    items = body.get("line_items") or []
    amount = Decimal(str(body["amount"])) if body.get("amount") is not None else None
    if amount is None:
        amount = sum(
            (
                Decimal(str(i["refund_total"])) + sum(Decimal(str(t["refund_total"])) for t in i.get("refund_tax", []))
                for i in items
            ),
            Decimal(0),
        )
    if amount < 0:
        return _error(400, "woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.")
    done = sum((Decimal(r["amount"]) for r in woo.refunds.get(order["id"], [])), Decimal(0))
    if amount > Decimal(order["total"]) - done:
        return _error(500, "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.")
    refund_lines = []
    for item in items:
        line = lines.get(str(item["id"]))
        if line is None:
            continue
        taxes = [
            {"id": int(t["id"]), "total": f"-{t['refund_total']}", "subtotal": f"-{t['refund_total']}"}
            for t in item.get("refund_tax", [])
        ]
        refund_lines.append(
            {
                "id": woo.new_id(),
                "name": line["name"],
                "product_id": line["product_id"],
                "variation_id": line["variation_id"],
                "quantity": -int(item.get("quantity") or 0),
                "subtotal": f"-{item['refund_total']}",
                "total": f"-{item['refund_total']}",
                "total_tax": str(
                    -sum((Decimal(str(t["refund_total"])) for t in item.get("refund_tax", [])), Decimal(0))
                ),
                "taxes": taxes,
                "meta_data": [
                    {
                        "id": woo.new_id(),
                        "key": "_refunded_item_id",
                        "value": str(line["id"]),
                        "display_key": "_refunded_item_id",
                        "display_value": str(line["id"]),
                    }
                ],
                "sku": line.get("sku"),
                "price": line.get("price"),
            }
        )
    refund = {
        "id": woo.new_id(),
        "date_created_gmt": _now(),
        "amount": f"{amount:.2f}",
        "reason": body.get("reason") or "",
        "refunded_by": 1,
        "refunded_payment": body.get("api_refund", True) is not False,
        "meta_data": [{"id": woo.new_id(), **meta} for meta in body.get("meta_data") or []],
        "line_items": refund_lines,
        "api_restock": body.get("api_restock", True) is not False,  # kept for the tests; not in WooCommerce's answer
    }
    woo.refunds.setdefault(order["id"], []).append(refund)
    order["refunds"].append({"id": refund["id"], "reason": refund["reason"], "total": f"-{amount:.2f}"})
    order["date_modified_gmt"] = _now()
    if refund["api_restock"]:
        for item in refund_lines:
            if item["quantity"]:
                woo.restocked.append((item["variation_id"] or item["product_id"], -item["quantity"]))
    return 201, refund, {}


def _handler(woo: FakeWoo) -> type[BaseHTTPRequestHandler]:
    expected = "Basic " + base64.b64encode(f"{woo.key}:{woo.secret}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server naming
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

        def _serve(self, method: str) -> None:
            url = urlparse(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            path = url.path.removeprefix(PREFIX).strip("/")
            with woo.lock:
                woo.hits.append(Hit(method, path, query, body))
                fault = woo._fault(method, path, query)
            if not url.path.startswith(PREFIX):
                return self._answer(*_error(404, "rest_no_route", "No route was found matching the URL."))
            if self.headers.get("Authorization") != expected:
                return self._answer(*_error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."))
            if fault is not None and not fault.after:
                return self._fail(fault)
            with woo.lock:
                answer = _route(woo, method, path, query, body or {})
            hold = woo._hold
            if hold is not None and hold[0] == method and re.fullmatch(hold[1], path):
                woo.held.set()
                woo._release.wait(timeout=60)
            if fault is not None:
                return self._fail(fault)
            if woo.links_only and "X-WP-TotalPages" in answer[2]:
                answer = (answer[0], answer[1], _links(woo, path, query, int(answer[2]["X-WP-TotalPages"])))
            for (canned_method, pattern), (status, canned) in woo.canned.items():
                if canned_method == method and re.fullmatch(pattern, path):
                    answer = (status, canned, answer[2])
            self._answer(*answer)

        def _fail(self, fault: Fault) -> None:
            code = "rest_too_many_requests" if fault.status == 429 else "internal_server_error"
            status, body, headers = _error(fault.status, code, "There has been a critical error.")
            if fault.retry_after is not None:
                headers["Retry-After"] = fault.retry_after
            self._answer(status, body, headers)

        def _answer(self, status: int, body: Any, headers: dict[str, str]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the http.server signature
            pass

    return Handler


@contextmanager
def fake_woo_running() -> Iterator[FakeWoo]:
    woo = FakeWoo()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(woo))
    # One connection per request (HTTP/1.0), and closing waits for the request threads: none outlives the fake.
    server.daemon_threads = False
    woo.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield woo
    finally:
        woo.release()
        server.shutdown()
        server.server_close()
