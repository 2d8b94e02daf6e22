"""A PrestaShop webservice on 127.0.0.1, as PrestaShop's classes/webservice/WebserviceRequest.php answers.

- ``/api/<resource>`` and ``/api/<resource>/<id>``; HTTP Basic with the 32-character key as the user name, else
  the ``ws_key`` query parameter (webservice/dispatcher.php); no key at all: a bare ``401 Unauthorized`` text with
  ``WWW-Authenticate``, a wrong one: PrestaShop's error document.
- JSON only when asked, PrestaShop's way (getOutputObject: the ``Io-Format`` header, else ``Output-Format``, else
  ``output_format``, else ``io_format``; ``json_via`` narrows what this fake honours), XML otherwise or always
  (``always_xml``). JSON as WebserviceOutputJSON writes it: ids as numbers, one object without its ``"0"``/empty
  fields (array_filter), a multilingual field as one string when the shop has one language (``single_language``).
- ``raw[(method, resource, id)] = (status, content type, body)`` answers a document as it is (the docs' examples).
- Lists: ``display`` (none: ids only, ``full``, ``[f1,f2]``), ``filter[f]`` (``[a]``, ``[a|b]``, ``[a,b]``,
  ``%[a]%``), ``date=1`` required to filter or sort on ``date_add``/``date_upd``, ``sort=[f_ASC,g_DESC]``,
  ``limit=offset,count``; an empty list is ``[]``. ``price[alias][use_tax]=1`` on products and combinations.
- POST/PUT read ``<prestashop><node>...</node></prestashop>``; POST answers 201. Like PrestaShop, the
  ``order_slip_details`` association of a posted slip is not written (its setter is false).
- Errors: ``{"errors": [{"code": n, "message": "..."}]}``. Faults: ``fail()`` answers an error (optionally after
  doing the work, as a timeout after the write would), ``hold()`` keeps a request until released.
"""

import base64
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from tests.connectors.prestashop.fake_formats import (
    PLURAL,
    SINGULAR,
    Plain,
    fields_of,
    json_render,
    matches,
    sort_key,
    text_of,
    xml_render,
)

KEY = "ZQ88PRJX5VWQHCWE4EE7SQ7HPNX00RAJ"
ZONE = ZoneInfo("Europe/Paris")
REQUIRED = {
    "cart_rules": ("name", "date_from", "date_to"),
    "messages": ("message",),
    "order_slip": ("id_customer", "id_order", "conversion_rate", "total_products_tax_incl", "total_products_tax_excl"),
    "stock_availables": ("id_product", "id_product_attribute", "quantity"),
}
DATE_FIELDS = ("date_add", "date_upd")
# WebserviceRequest::getResources()'s forbidden_method.
FORBIDDEN = {"stock_availables": ("POST", "DELETE"), "order_histories": ("PUT", "DELETE")}


def shop_now() -> str:
    return datetime.now(tz=ZONE).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Hit:
    method: str
    resource: str
    object_id: str
    query: dict[str, str]
    body: bytes
    user: str
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    as_json: bool = False
    raw_query: str = ""


@dataclass
class Fault:
    method: str
    resource: str
    status: int
    times: int
    skip: int = 0
    after_work: bool = False
    retry_after: str | None = None
    seen: int = 0


@dataclass
class Hold:
    method: str
    resource: str
    reached: threading.Event = field(default_factory=threading.Event)
    go: threading.Event = field(default_factory=threading.Event)


class PrestaShopError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class FakePrestaShop:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.data: dict[str, dict[int, dict[str, Any]]] = {name: {} for name in SINGULAR}
        self.hits: list[Hit] = []
        self.faults: list[Fault] = []
        self.holds: list[Hold] = []
        self.json_via = {"Io-Format", "Output-Format", "output_format", "io_format"}
        self.always_xml = False
        self.single_language = False
        self.empty_named = False
        self.ignores: set[str] = set()  # list parameters a lesser webservice would not implement: sort, limit, filter
        self.missing: set[str] = set()  # resources this webservice does not have (or the key may not read)
        self.raw: dict[tuple[str, str, str], tuple[int, str, bytes]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-prestashop", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def start(self) -> "FakePrestaShop":
        self.thread.start()
        return self

    def stop(self) -> None:
        for hold in self.holds:
            hold.go.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # --- the test's handles ---------------------------------------------------------------------------------------
    def add(self, resource: str, obj: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            table = self.data[resource]
            object_id = int(obj.get("id") or max(table, default=0) + 1)
            row = {key: value for key, value in obj.items() if key != "id"}
            table[object_id] = {"id": object_id, **row}
            return table[object_id]

    def rows(self, resource: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(row) for _id, row in sorted(self.data[resource].items())]

    def fail(
        self,
        method: str,
        resource: str,
        status: int = 500,
        *,
        times: int = 1,
        skip: int = 0,
        after_work: bool = False,
        retry_after: str | None = None,
    ) -> Fault:
        fault = Fault(method, resource, status, times, skip, after_work, retry_after)
        with self.lock:
            self.faults.append(fault)
        return fault

    def hold(self, method: str, resource: str) -> Hold:
        hold = Hold(method, resource)
        with self.lock:
            self.holds.append(hold)
        return hold

    def calls(self, method: str, resource: str) -> list[Hit]:
        with self.lock:
            return [hit for hit in self.hits if hit.method == method and hit.resource == resource]

    # --- serving --------------------------------------------------------------------------------------------------
    def _fault_for(self, method: str, resource: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if (fault.method, fault.resource) != (method, resource) or fault.times <= 0:
                    continue
                fault.seen += 1
                if fault.seen <= fault.skip:
                    return None
                fault.times -= 1
                return fault
        return None

    def _hold_for(self, method: str, resource: str) -> Hold | None:
        with self.lock:
            for hold in self.holds:
                if (hold.method, hold.resource) == (method, resource) and not hold.reached.is_set():
                    return hold
        return None

    def wants_json(self, headers: Any, query: dict[str, str]) -> bool:
        """WebserviceRequest::getOutputObject: the first of these that is present decides."""
        for name, value in (
            ("Io-Format", headers.get("Io-Format")),
            ("Output-Format", headers.get("Output-Format")),
            ("output_format", query.get("output_format")),
            ("io_format", query.get("io_format")),
        ):
            if value is not None and name in self.json_via:
                return not self.always_xml and value == "JSON"
        return False

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes, user: str) -> tuple[int, Any]:
        if user != KEY:
            if not user:
                raise PrestaShopError(
                    401, 16, "Please enter the authentication key as the login. No password required"
                )
            if len(user) != 32:
                raise PrestaShopError(401, 18, "Invalid authentication key format")
            raise PrestaShopError(401, 20, "Authentification key is not active")
        parts = [p for p in path.split("/") if p]
        if not parts or parts[0] != "api":
            raise PrestaShopError(404, 0, "Not found")
        resource = parts[1] if len(parts) > 1 else ""
        object_id = parts[2] if len(parts) > 2 else ""
        if resource not in SINGULAR or resource in self.missing:
            raise PrestaShopError(400, 27, f'Resource of type "{resource}" does not exists')
        if method in FORBIDDEN.get(resource, ()):
            raise PrestaShopError(405, 101, f"Method {method} is not allowed for the resource {resource}")
        if method == "GET":
            return 200, self._get(resource, object_id, query)
        if method == "POST" and not object_id:
            return 201, {SINGULAR[resource]: self._write(resource, None, body)}
        if method == "PUT" and object_id:
            return 200, {SINGULAR[resource]: self._write(resource, int(object_id), body)}
        raise PrestaShopError(405, 23, f"Method {method} is not valid")

    def _get(self, resource: str, object_id: str, query: dict[str, str]) -> Any:
        with self.lock:
            table = self.data[resource]
            if object_id:
                row = table.get(int(object_id)) if object_id.isdigit() else None
                if row is None:
                    raise PrestaShopError(404, 87, f"Id(s) not exists: {object_id}")
                return {SINGULAR[resource]: self._shown(row, "full", query)}
            rows = [dict(row) for _id, row in sorted(table.items())]
        dates = query.get("date") == "1"
        for key, value in query.items():
            if key.startswith("filter[") and "filter" not in self.ignores:
                name = key[7:-1]
                if name in DATE_FIELDS and not dates or (rows and name not in rows[0] and name != "id"):
                    raise PrestaShopError(400, 32, f"This filter does not exist. Did you mean: {name}?")
                rows = [row for row in rows if matches(str(row.get(name, "")), value)]
        if "sort" in query and "sort" not in self.ignores:
            for part in reversed(query["sort"].strip("[]").split(",")):
                name, _sep, direction = part.rpartition("_")
                if direction not in ("ASC", "DESC") or (name in DATE_FIELDS and not dates):
                    raise PrestaShopError(400, 37, 'The "sort" value has to be formed as this example: "field_ASC"')
                rows.sort(key=lambda row, n=name: sort_key(row.get(n)), reverse=direction == "DESC")  # type: ignore[misc]
        if "limit" in query and "limit" not in self.ignores:
            parts = [int(p) for p in query["limit"].split(",")]
            start, count = (parts[0], parts[1]) if len(parts) == 2 else (0, parts[0])
            rows = rows[start : start + count]
        if not rows:  # PrestaShop's JSON answers []; empty_named: {"orders": []} (XML: <orders></orders>)
            return {PLURAL.get(resource, resource): []} if self.empty_named else []
        display = query.get("display", "") if "display" not in self.ignores else ""
        return {PLURAL.get(resource, resource): [self._shown(row, display, query) for row in rows]}

    @staticmethod
    def _shown(row: dict[str, Any], display: str, query: dict[str, str]) -> dict[str, Any]:
        if display == "full":
            shown = {k: text_of(v) for k, v in row.items() if not k.startswith("_")}
        elif display.startswith("["):
            shown = {k: text_of(row.get(k, "")) for k in display.strip("[]").split(",")}
        else:
            shown = {"id": row["id"]}
        for key, value in query.items():
            if key.startswith("price[") and key.endswith("[use_tax]") and "_price" in row:
                alias = key[6 : key.index("]")]
                shown[alias] = row["_price"] if value == "1" else row.get("_price_excl", row["_price"])
        return shown

    def _write(self, resource: str, object_id: int | None, body: bytes) -> dict[str, Any]:
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError as exc:
            raise PrestaShopError(400, 127, f"XML error : {exc}") from exc
        node = root.find(SINGULAR[resource])
        if root.tag != "prestashop" or node is None:
            raise PrestaShopError(400, 40, f"Invalid XML: <prestashop><{SINGULAR[resource]}> expected")
        fields = fields_of(node)
        for name in REQUIRED.get(resource, ()):
            if fields.get(name) in (None, "", []):
                raise PrestaShopError(400, 41, f"Property {SINGULAR[resource]}->{name} is empty.")
        if resource == "order_slip":
            fields.pop("associations", None)  # 'setter' => false: PrestaShop does not write the slip's lines
        with self.lock:
            if object_id is None:
                fields.pop("id", None)
                fields.update(date_add=shop_now(), date_upd=shop_now())
                return self.add(resource, fields)
            existing = self.data[resource].get(object_id)
            if existing is None:
                raise PrestaShopError(404, 87, f"Id(s) not exists: {object_id}")
            if str(fields.get("id")) != str(object_id):
                raise PrestaShopError(400, 90, "id is forbidden when adding or different from the one in the URL")
            existing.update({k: v for k, v in fields.items() if k != "id"})
            return dict(existing)


def _handler(fake: FakePrestaShop) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def setup(self) -> None:
            super().setup()
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # headers and body: no 40 ms wait

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            user: str | None = None
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                user = base64.b64decode(auth[6:]).decode().partition(":")[0]
            elif "ws_key" in query:
                user = query["ws_key"]
            segments = [p for p in parts.path.split("/") if p]
            resource = segments[1] if len(segments) > 1 else ""
            object_id = segments[2] if len(segments) > 2 else ""
            hit = Hit(
                self.command,
                resource,
                object_id,
                query,
                body,
                user or "",
                headers=dict(self.headers.items()),
                raw_query=parts.query,
            )
            with fake.lock:
                fake.hits.append(hit)
            hold = fake._hold_for(self.command, resource)
            if hold is not None:
                hold.reached.set()
                hold.go.wait(timeout=60)
            fault = fake._fault_for(self.command, resource)
            status, answer, headers = 200, None, {}
            as_json = hit.as_json = fake.wants_json(self.headers, query)
            raw = fake.raw.get((self.command, resource, object_id))
            try:
                if user is None:  # dispatcher.php: neither PHP_AUTH_USER nor ws_key
                    headers["WWW-Authenticate"] = 'Basic realm="Welcome to PrestaShop Webservice"'
                    raise Plain(401, b"401 Unauthorized")
                if fault is not None and not fault.after_work:
                    raise PrestaShopError(fault.status, 0, "Injected failure")
                if raw is not None:
                    raise Plain(raw[0], raw[2], raw[1])
                status, answer = fake.handle(self.command, parts.path, query, body, user)
                if fault is not None:
                    raise PrestaShopError(fault.status, 0, "Injected failure after the work was done")
            except PrestaShopError as exc:
                status, answer = exc.status, {"errors": [{"code": exc.code, "message": exc.message}]}
                if status == 401:
                    headers["WWW-Authenticate"] = 'Basic realm="Welcome to PrestaShop Webservice"'
                if fault is not None and fault.retry_after is not None:
                    headers["Retry-After"] = fault.retry_after
            except Plain as plain:
                status, answer = plain.status, plain
            hit.status = status
            if isinstance(answer, Plain):
                payload, kind = answer.body, answer.kind
            elif as_json:
                payload, kind = json_render(answer, fake.single_language).encode(), "application/json"
            else:
                payload, kind = xml_render(answer, fake.url, "display" in query).encode(), "text/xml;charset=utf-8"
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("PSWS-Version", "8.1.0")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the caller is gone (killed while we held its request): the work is done anyway
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler
