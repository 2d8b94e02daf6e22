"""A ShipX API for tests: a real HTTP server on 127.0.0.1 speaking InPost's `/v1/...` as documented.

Documentation followed (https://dokumentacja-inpost.atlassian.net/wiki/spaces/PL/pages/622754/API+ShipX):
Authorization `Bearer <token>` on the organization's resources (401 otherwise, 403 for another organization);
POST /v1/organizations/{id}/shipments answers 201 with the shipment `created` and no tracking number, and the
shipment becomes `confirmed` with a 24-digit tracking number on a later read (ShipX buys the offer
asynchronously: `confirm_after` reads here); GET /v1/organizations/{id}/shipments filters by `reference` and
`tracking_number`, newest first, paged as `{"href", "count", "page", "per_page", "items"}`; GET
/v1/shipments/{id}/label?format=Pdf|Zpl&type=...; DELETE /v1/shipments/{id} only while created / offers_prepared
(`invalid_action` otherwise); GET /v1/tracking/{number} (no token; `resource_not_found` when unknown) with
tracking_details newest first; GET /v1/statuses?lang=en_GB|pl_PL (`invalid_parameter` otherwise); GET /v1/points
(no token) by relative_post_code and type, nearest first. Form checks: fake_forms.py.

It keeps every request (`hits`), can fail (`fail`: a status, or a delay longer than the client's timeout, before
or `after` doing the work), and tests move parcels on with `advance` (which also builds the webhook body ShipX
would POST) and add points with `add_point`.
"""

import copy
import json
import math
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.shipping.carriers.inpost import fake_forms as forms

PAYLOADS = Path(__file__).parent / "payloads"
TRACKING_BASE = 602677439331630337600000


@dataclass
class Hit:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Fault:
    method: str
    pattern: str
    status: int
    times: int = 1
    after: bool = False  # do the work, then answer the error (the answer was lost)
    delay: float = 0.0  # wait this long before answering (a timeout when longer than the client's)
    body: Any = None  # answer this instead of the generic 5xx body: a JSON body, or (content type, bytes)


@dataclass
class FakeShipX:
    token: str = "shipx-t0ken"
    organization_id: str = "1234"
    url: str = ""
    confirm_after: int = 1  # reads of a new shipment before ShipX has confirmed it
    shipments: dict[int, dict[str, Any]] = field(default_factory=dict)
    points: dict[str, dict[str, Any]] = field(default_factory=dict)
    postcodes: dict[str, tuple[float, float]] = field(default_factory=dict)
    unknown_postcodes: set[str] = field(default_factory=set)
    tracking: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 49
    listing_lag: float = 0.0  # seconds before a new shipment shows in the listings
    public_tracking: bool = True  # False: GET /v1/tracking knows no parcel (as on ShipX's sandbox)
    _reads: dict[int, int] = field(default_factory=dict)
    _made: dict[int, float] = field(default_factory=dict)

    # ---- test controls

    def fail(self, method: str, pattern: str, status: int, **kwargs: Any) -> None:
        self.faults.append(Fault(method, pattern, status, **kwargs))

    def calls(self, method: str, pattern: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.method == method and re.fullmatch(pattern, hit.path)]

    def add_point(self, name: str, **fields: Any) -> dict[str, Any]:
        """A point in the documented shape (a parcel locker unless `type` says otherwise)."""
        point = forms.point_document(url=self.url, name=name)
        point.update(fields)
        self.points[name] = point
        return point

    def add_tracking_event(self, tracking_number: str, status: str, at: str, *, origin_status: str = "") -> None:
        """Record a scan as ShipX's tracking would show it (newest first)."""
        detail = {"status": status, "origin_status": origin_status, "agency": None, "datetime": at}
        with self.lock:
            self.tracking.setdefault(tracking_number, []).insert(0, detail)

    def advance(self, shipment_id: int, status: str, at: str) -> bytes:
        """Move a shipment on (a scan at the locker, a sorting centre...): its status, its tracking, and the body of
        the webhook ShipX POSTs ("Webhooks" page, event shipment_status_changed)."""
        with self.lock:
            shipment = self.shipments[shipment_id]
            shipment["status"] = status
        tracking_number = shipment["tracking_number"]
        self.add_tracking_event(tracking_number, status, at)
        stamp = at.replace("T", " ")[:19] + " " + at[-6:].replace(":", "")
        return json.dumps(
            {
                "event_ts": stamp,
                "event": "shipment_status_changed",
                "organization_id": int(self.organization_id),
                "payload": {"shipment_id": shipment_id, "status": status, "tracking_number": tracking_number},
            }
        ).encode()

    # ---- behaviour

    def _fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.method == method and re.fullmatch(fault.pattern, path):
                fault.times -= 1
                return fault
        return None

    def _confirm(self, shipment: dict[str, Any]) -> None:
        reads = self._reads.get(shipment["id"], 0) + 1
        self._reads[shipment["id"]] = reads
        if shipment["status"] == "created" and reads >= self.confirm_after:
            shipment["status"] = "confirmed"
            shipment["tracking_number"] = str(TRACKING_BASE + shipment["id"])
            shipment["parcels"][0]["tracking_number"] = shipment["tracking_number"]
            shipment["custom_attributes"]["customer_delivering_code"] = f"{shipment['id'] * 7919 % 1000000:06d}"
            shipment["updated_at"] = forms.now_text()
            self.tracking[shipment["tracking_number"]] = [
                {"status": "confirmed", "origin_status": "PRZ", "agency": None, "datetime": shipment["updated_at"]}
            ]

    def _create(self, body: dict[str, Any]) -> tuple[int, Any]:
        details = forms.shipment_errors(body, points=self.points, unknown_postcodes=self.unknown_postcodes)
        if details:
            return forms.error(400, "validation_failed", forms.VALIDATION_MESSAGE, details)
        body = copy.deepcopy(body)  # the request as received stays in `hits`
        self.next_id += 1
        stamp = forms.now_text()
        shipment = {
            "href": f"{self.url}/v1/shipments/{self.next_id}",
            "id": self.next_id,
            "status": "created",
            "tracking_number": None,
            "service": body["service"],
            "reference": body.get("reference"),
            "is_return": False,
            "sender": body.get("sender"),
            "receiver": body.get("receiver"),
            "parcels": [
                {"id": str(n), "template": p.get("template"), "tracking_number": None, "is_non_standard": False}
                for n, p in enumerate(body["parcels"], 1)
            ],
            "custom_attributes": body.get("custom_attributes") or {},
            "cod": None,
            "insurance": body.get("insurance"),
            "additional_services": [],
            "comments": body.get("comments"),
            "external_customer_id": None,
            "mpk": None,
            "offers": [],
            "selected_offer": None,
            "transactions": [],
            "end_of_week_collection": False,
            "created_by_id": 7,
            "created_at": stamp,
            "updated_at": stamp,
        }
        self.shipments[shipment["id"]] = shipment
        self._made[shipment["id"]] = time.monotonic()
        return 201, shipment

    def _points(self, query: dict[str, str]) -> tuple[int, Any]:
        types = [t for t in query.get("type", "").split(",") if t]
        items = [p for p in self.points.values() if not types or set(types) & set(p["type"])]
        origin = self.postcodes.get(query.get("relative_post_code", ""))
        for point in items:
            if origin is not None:
                point["distance"] = round(_metres(origin, point["location"]))
        if origin is not None:
            items.sort(key=lambda p: p["distance"])
        per_page = int(query.get("per_page", 25))
        return 200, {
            "href": f"{self.url}/v1/points",
            "count": len(items),
            "page": 1,
            "per_page": per_page,
            "total_pages": max(1, -(-len(items) // per_page)),
            "items": items[:per_page],
        }

    def route(self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: Any):
        if method == "GET" and path == "/v1/statuses":
            if query.get("lang", "pl_PL") not in ("en_GB", "pl_PL"):
                text = f"Provided unsupported value ({query['lang']}) to parameter (lang)"
                return 400, {"status": 400, "error": "invalid_parameter", "description": text, "details": None}
            return 200, json.loads((PAYLOADS / f"statuses_{query.get('lang', 'pl_PL')}.json").read_text())
        if method == "GET" and path == "/v1/points":
            return self._points(query)
        if method == "GET" and (match := re.fullmatch(r"/v1/tracking/(\w+)", path)):
            return self._tracking(match[1])
        if headers.get("authorization") != f"Bearer {self.token}":
            return forms.error(401, "unauthorized", "Token is missing or invalid.")
        if match := re.fullmatch(r"/v1/organizations/(\w+)/shipments", path):
            if match[1] != self.organization_id:
                return forms.error(403, "forbidden", "You are not allowed to access this resource.")
            if method == "POST":
                return self._create(body)
            return self._listing(path, query)
        match = re.fullmatch(r"/v1/shipments/(\d+)(/label)?", path)
        shipment = self.shipments.get(int(match[1])) if match else None
        if shipment is None:
            return forms.error(404, "resource_not_found", "Resource not found.")
        if method == "DELETE":
            if shipment["status"] not in ("created", "offers_prepared"):
                details = {"action": "cancel", "shipment_status": shipment["status"]}
                return forms.error(400, "invalid_action", "shipment_status_incorrect", details)
            shipment["status"] = "canceled"
            return 204, None
        if match and match[2]:
            return self._label(shipment, query)
        self._confirm(shipment)
        return 200, shipment

    def _listing(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        """Newest first (id descending), 100 a page at most; filters it does not know (e.g. `reference`) are
        dropped, cancelled shipments are not listed, and a shipment younger than `listing_lag` is not yet."""
        listed = time.monotonic() - self.listing_lag
        found = [
            s
            for s in sorted(self.shipments.values(), key=lambda s: -s["id"])
            if s["status"] != "canceled"
            and self._made[s["id"]] <= listed
            and all(str(s.get(key)) == query[key] for key in ("tracking_number", "status") if key in query)
            and ("created_at_gteq" not in query or s["created_at"] >= query["created_at_gteq"])
        ]
        per_page = min(int(query.get("per_page", 30)), 100)
        page = max(int(query.get("page", 1)), 1)
        envelope = {"href": f"{self.url}{path}", "count": len(found), "page": page, "per_page": per_page}
        return 200, {**envelope, "items": found[(page - 1) * per_page : page * per_page]}

    def _tracking(self, number: str) -> tuple[int, Any]:
        shipment = next((s for s in self.shipments.values() if s["tracking_number"] == number), None)
        details = self.tracking.get(number) if self.public_tracking else None
        if details is None:
            return forms.error(404, "resource_not_found", "Resource not found.")
        size = forms.SIZES.get(shipment["parcels"][0]["template"], "A") if shipment else "A"
        custom = (shipment or {}).get("custom_attributes", {})
        return 200, {
            "tracking_number": number,
            "service": (shipment or {}).get("service", "inpost_locker_standard"),
            "type": (shipment or {}).get("service", "inpost_locker_standard"),
            "status": details[0]["status"],
            "custom_attributes": {
                "size": size,
                "target_machine_id": custom.get("target_point"),
                "dropoff_machine_id": custom.get("dropoff_point"),
                "end_of_week_collection": False,
            },
            "tracking_details": details,
            "expected_flow": [],
            "created_at": details[-1]["datetime"],
            "updated_at": details[0]["datetime"],
        }

    def _label(self, shipment: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        if not shipment.get("tracking_number"):
            details = {"action": "get_label", "shipment_status": shipment["status"]}
            return forms.error(400, "invalid_action", "shipment_status_incorrect", details)
        label_format = query.get("format", "Pdf")
        if label_format == "Pdf" and query.get("type", "normal") in ("normal", "A6"):
            pdf = forms.label_pdf(
                tracking_number=shipment["tracking_number"],
                reference=str(shipment["reference"]),
                label_type=query.get("type", "normal"),
            )
            return 200, ("application/pdf", pdf)
        if label_format == "Zpl" and "type" not in query:
            zpl = forms.label_zpl(tracking_number=shipment["tracking_number"], reference=str(shipment["reference"]))
            return 200, ("text/zpl", zpl)
        return forms.error(400, "invalid_parameter", "Provided unsupported value to parameter (format)")


def _metres(origin: tuple[float, float], location: dict[str, float]) -> float:
    lat1, lon1 = map(math.radians, origin)
    lat2, lon2 = math.radians(location["latitude"]), math.radians(location["longitude"])
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(a))


def _handler(shipx: FakeShipX) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parsed = urlparse(self.path)
            query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            headers = {key.lower(): value for key, value in self.headers.items()}
            with shipx.lock:
                shipx.hits.append(Hit(self.command, parsed.path, query, headers, body))
                fault = shipx._fault(self.command, parsed.path)
            if fault and not fault.after:
                time.sleep(fault.delay)
                status, answer = forms.error(fault.status, "service_unavailable", "Try again later.")
                if fault.body is not None:
                    answer = fault.body
            else:
                with shipx.lock:
                    status, answer = shipx.route(self.command, parsed.path, query, headers, body)
                if fault:
                    # The work is done; the answer comes late, or is replaced by an error (it was lost).
                    time.sleep(fault.delay)
                    if fault.status >= 400:
                        status, answer = forms.error(fault.status, "service_unavailable", "Try again later.")
            self._answer(status, answer)

        def _answer(self, status: int, answer: Any) -> None:
            if isinstance(answer, tuple):
                content_type, data = answer
            else:
                content_type, data = "application/json", b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            if status == 201 and isinstance(answer, dict):
                self.send_header("Location", str(answer.get("href", "")))
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _serve  # noqa: N815 - the http.server naming

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

    return Handler


def start(**options: Any) -> tuple[FakeShipX, ThreadingHTTPServer]:
    """Start a fake ShipX in a thread (plain helper for code outside pytest); stop it with `stop`."""
    shipx = FakeShipX(**options)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(shipx))
    server.daemon_threads = True
    shipx.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return shipx, server


def stop(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


@contextmanager
def shipx_running(**options: Any) -> Iterator[FakeShipX]:
    shipx, server = start(**options)
    try:
        yield shipx
    finally:
        stop(server)
