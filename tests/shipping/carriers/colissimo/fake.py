"""Colissimo and La Poste for tests: a real HTTP server on 127.0.0.1 speaking the three APIs the adapter uses.

- SLS (POST /sls-ws/SlsServiceWSRest/2.0/generateLabel and /getListMailBoxPickingDates): checks contractNumber
  and password (or the apiKey header), refuses as the service does with its documented message ids (30000 wrong
  login, 30002 past deposit date, 30014/30015 product, 30026 print type, 30065 sender name, 30100/30104 sender
  street/city, 30106-30109 sender postcode, 30047 sender phone, 30089/30204/30208/30211 addressee, 30300/30301
  weight; HTTP 400) and answers a label as multipart/related (a <jsonInfos> JSON part and a <label> binary part,
  PDF or ZPL as asked) with a parcel number "8R" + 11 digits, like a Colissimo Retour number.
- Point Retrait (POST /pointretrait-ws-cxf/rest/v2/pointretrait/findRDVPointRetraitAcheminement): checks
  accountNumber/password (errorCode 201), needs a zipCode (145) of 5 digits in France (125), answers the points
  added with `add_point` in the same department, nearest first, post offices only when filterRelay is "0"; 301 when
  none.
- Suivi v2 (GET /suivi/v2/idships/{id}?lang=): checks X-Okapi-Key (401 {"code": "UNAUTHORIZED"}), 400 for a
  malformed number, 404 for an unknown one, else the events added with `add_event`, newest first.

It records every request (`hits`), can fail a route (`fail`: a status, optionally after doing the work, so the
answer is lost as on a timeout), hold an answer longer than the client waits (`slow`), or answer a canned body
(the documented examples, `canned`). Start it with `fake_colissimo_running()` or the `colissimo` fixture.
"""

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from tests.shipping.carriers.colissimo.fake_answers import (
    DAYS,
    PARIS,
    POINTS,
    SLS,
    SUIVI,
    Answer,
    day_slots,
    generate_label,
    json_answer,
    mailbox_dates,
    points_answer,
    tracking_answer,
)

__all__ = ["POINTS", "SLS", "SUIVI", "FakeColissimo", "fake_colissimo_running", "fake_colissimo_start", "today_paris"]


@dataclass
class Hit:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Fault:
    pattern: str
    status: int
    times: int
    after: bool = False  # do the work, then answer the error: the answer is lost, the work is done


@dataclass
class FakeColissimo:
    contract_number: str = "800123"
    password: str = "c0lis-s3cret"
    api_key: str = "sls-api-key"
    okapi_key: str = "okapi-test-key"
    url: str = ""
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)  # parcel number → request body, format, bytes
    events: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    points: list[dict[str, Any]] = field(default_factory=list)
    unknown_postcodes: set[str] = field(default_factory=set)  # sender postcodes the product does not serve (30109)
    no_mailbox_postcodes: set[str] = field(default_factory=set)  # addresses without letterbox collection
    hits: list[Hit] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    canned: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)  # path → answer
    slow_seconds: float = 0.0
    slow_pattern: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    serial: int = 0

    def fail(self, pattern: str, status: int, *, times: int = 1, after: bool = False) -> None:
        self.faults.append(Fault(pattern, status, times, after))

    def slow(self, pattern: str, seconds: float) -> None:
        self.slow_pattern, self.slow_seconds = pattern, seconds

    def calls(self, pattern: str) -> list[Hit]:
        return [hit for hit in self.hits if re.fullmatch(pattern, hit.path)]

    def add_event(self, parcel_number: str, code: str, label: str, at: datetime) -> None:
        """A Suivi v2 event for the parcel ("date" as La Poste writes it: ISO 8601 with the offset)."""
        self.events.setdefault(parcel_number, []).append(
            {"code": code, "label": label, "date": at.astimezone(PARIS).isoformat(timespec="seconds")}
        )

    def add_point(self, identifiant: str, **fields: Any) -> dict[str, Any]:
        """A point as findRDVPointRetraitAcheminement lists it; `hours` maps a French day name to its slots."""
        hours = fields.pop("hours", dict.fromkeys(DAYS[:5], "09:00-12:00 14:00-18:00") | {"Samedi": "09:00-12:00"})
        point = {
            "identifiant": identifiant,
            "nom": "BUREAU DE POSTE",
            "adresse1": "1 RUE DE LA POSTE",
            "adresse2": "",
            "adresse3": "",
            "codePostal": "69100",
            "localite": "VILLEURBANNE",
            "indiceDeLocalisation": "",
            "coordGeolocalisationLatitude": "45.7695505",
            "coordGeolocalisationLongitude": "4.86314559",
            "accesPersonneMobiliteReduite": True,
            "periodeActiviteHoraireDeb": "",
            "periodeActiviteHoraireFin": "",
            "listeConges": [],
            "typeDePoint": "BPR",
            "poidsMaxi": 30000,
            "distanceEnMetre": 100 * (len(self.points) + 1),
            "congesPartiel": False,
            "congesTotal": False,
            "reseau": "R01",
            "codePays": "FR",
            "libellePays": "FRANCE",
            "langue": "FR",
            "parking": False,
            "loanOfHandlingTool": False,
            "distributionSort": "",
            "lotAcheminement": "",
            "versionPlanTri": "",
        }
        for day in DAYS:
            point[f"horairesOuverture{day}"] = day_slots(hours.get(day, ""))
        point.update(fields)
        self.points.append(point)
        return point

    def _fault(self, path: str, *, after: bool) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.after == after and re.fullmatch(fault.pattern, path):
                fault.times -= 1
                return fault
        return None

    def parcel_number(self) -> str:
        self.serial += 1
        return f"8R{41000000000 + self.serial:011d}"


def _route(
    fake: FakeColissimo, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: Any
) -> Answer:
    if path in fake.canned:
        return fake.canned[path]
    if method == "POST" and path == f"{SLS}generateLabel":
        return generate_label(fake, body, headers)
    if method == "POST" and path == f"{SLS}getListMailBoxPickingDates":
        return mailbox_dates(fake, body, headers)
    if method == "POST" and path == POINTS:
        return points_answer(fake, body)
    if method == "GET" and path.startswith(SUIVI):
        return tracking_answer(fake, unquote(path[len(SUIVI) :]), query, headers)
    return json_answer(404, {"error": "not found", "path": path})


def _handler(fake: FakeColissimo) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _serve(self, method: str) -> None:
            parsed = urlparse(self.path)
            query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
            headers = {key.lower(): value for key, value in self.headers.items()}
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body: Any = json.loads(raw) if raw else None
            except json.JSONDecodeError:
                body = None
            with fake.lock:
                fake.hits.append(Hit(method, parsed.path, query, headers, body))
                before = fake._fault(parsed.path, after=False)
            if fake.slow_pattern and re.fullmatch(fake.slow_pattern, parsed.path):
                time.sleep(fake.slow_seconds)
            if before is not None:
                answer = json_answer(before.status, {"error": "fault injected"})
            elif raw and body is None and method == "POST":
                malformed = {"id": "422", "type": "ERROR", "messageContent": "JSON mal formé"}
                answer = json_answer(422, {"messages": [malformed]})
            else:
                with fake.lock:
                    answer = _route(fake, method, parsed.path, query, headers, body)
                    after = fake._fault(parsed.path, after=True)
                if after is not None:
                    answer = json_answer(after.status, {"error": "fault injected after the work"})
            status, answer_headers, payload = answer
            try:
                self.send_response(status)
                for name, value in answer_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (a timeout test)
                pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


@contextmanager
def fake_colissimo_running() -> Iterator[FakeColissimo]:
    """Serve a fresh fake on a free port of 127.0.0.1 for the block."""
    fake = FakeColissimo()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-colissimo", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fake_colissimo_start() -> tuple[FakeColissimo, Any]:
    """Start a fake outside a `with` block (a story test, a dev server); call the returned stop() when done."""
    manager = fake_colissimo_running()
    fake = manager.__enter__()

    def stop() -> None:
        manager.__exit__(None, None, None)

    return fake, stop


def today_paris() -> date:
    return datetime.now(PARIS).date()
