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

import io
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse
from zoneinfo import ZoneInfo

SLS = "/sls-ws/SlsServiceWSRest/2.0/"
POINTS = "/pointretrait-ws-cxf/rest/v2/pointretrait/findRDVPointRetraitAcheminement"
SUIVI = "/suivi/v2/idships/"
PARIS = ZoneInfo("Europe/Paris")
FORMATS = ("PDF_10x15_300dpi", "PDF_A4_300dpi", "ZPL_10x15_203dpi", "ZPL_10x15_300dpi")
PRODUCTS = ("CORE", "CORI", "CORF", "DOM", "DOS", "HD")
# The texts of the documented SLS message ids the fake uses (Colissimo Shipping Web Service, "Codes d'erreur").
MESSAGES = {
    "30065": "Le nom de l'expéditeur n'a pas été transmis",
    "30100": "Le numéro / libellé de voie de l'expéditeur n'a pas été transmis",
    "30104": "La ville de l'expéditeur n'a pas été transmise",
    "30106": "Le code postal de l'expéditeur n'a pas été transmis",
    "30108": "Le code postal de l'expéditeur ne correspond pas au pays",
    "30109": "Le code pays ou le code postal de l'expéditeur est incorrect pour le code produit fourni",
    "30047": "Le téléphone de l'expéditeur est incorrect",
}
BAD_NUMBER = (
    "Le numéro que vous avez saisi n’est pas valide. Nous vous invitons à vérifier votre saisie, "
    "en particulier le nombre de caractères."
)
DAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")


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
            point[f"horairesOuverture{day}"] = _day_slots(hours.get(day, ""))
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


def _day_slots(value: str) -> str:
    """Always two slots, the second "00:00-00:00" when there is one only, as the service writes them."""
    slots = value.split()
    slots += ["00:00-00:00"] * (2 - len(slots))
    return " ".join(slots[:2])


# ---- answers


Answer = tuple[int, dict[str, str], bytes]


def _json(status: int, payload: Any) -> Answer:
    return status, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(payload).encode()


def _multipart(status: int, infos: dict[str, Any], parts: dict[str, bytes]) -> Answer:
    boundary = f"uuid:{uuid.uuid4()}"
    body = io.BytesIO()
    chunks = [("jsonInfos", "application/json;charset=UTF-8", json.dumps(infos).encode())]
    chunks += [(name, "application/octet-stream", data) for name, data in parts.items()]
    for name, kind, data in chunks:
        body.write(f"\r\n--{boundary}\r\nContent-Type: {kind}\r\nContent-Transfer-Encoding: binary\r\n".encode())
        body.write(f"Content-ID: <{name}>\r\n\r\n".encode())
        body.write(data)
    body.write(f"\r\n--{boundary}--".encode())
    content_type = f'multipart/related; type="application/json"; boundary="{boundary}"; start="<jsonInfos>"'
    return status, {"Content-Type": content_type}, body.getvalue()


def _sls_refusal(message_id: str, text: str) -> Answer:
    infos = {
        "messages": [{"id": message_id, "type": "ERROR", "messageContent": text, "replacementValues": []}],
        "labelXmlV2Reponse": None,
        "labelV2Response": None,
    }
    return _multipart(400, infos, {})


def label_bytes(parcel_number: str, output: str) -> bytes:
    """A label as Colissimo's would look: ZPL with the parcel number's Code 128, or a PDF page with its barcode."""
    if output.startswith("ZPL"):
        return (
            f"^XA\n^PW800\n^FO40,40^A0N,40,40^FDColissimo Retour^FS\n"
            f"^FO40,120^BY3^BCN,200,N,N^FD{parcel_number}^FS\n^FO40,340^A0N,36,36^FD{parcel_number}^FS\n^XZ\n"
        ).encode()
    from reportlab.graphics.barcode import code128
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    size = A4 if output.startswith("PDF_A4") else (10 * cm, 15 * cm)
    pdf = canvas.Canvas(buffer, pagesize=size, pageCompression=0, invariant=1)
    pdf.setTitle(f"Colissimo {parcel_number}")
    pdf.drawString(1 * cm, size[1] - 1.5 * cm, "Colissimo Retour")
    code128.Code128(parcel_number, barHeight=2.5 * cm, barWidth=1.1).drawOn(pdf, 0.5 * cm, size[1] - 5 * cm)
    pdf.drawString(1 * cm, size[1] - 5.8 * cm, parcel_number)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _logged_in(fake: FakeColissimo, body: dict[str, Any], headers: dict[str, str]) -> bool:
    if headers.get("apikey"):
        return headers["apikey"] == fake.api_key
    return body.get("contractNumber") == fake.contract_number and body.get("password") == fake.password


def _sender_refusal(fake: FakeColissimo, address: dict[str, Any]) -> Answer | None:
    zip_code, country = str(address.get("zipCode") or ""), str(address.get("countryCode") or "")
    phone = str(address.get("phoneNumber") or "")
    checks = (
        (not address.get("lastName") and not address.get("companyName"), "30065"),
        (not address.get("line2"), "30100"),
        (not address.get("city"), "30104"),
        (not zip_code, "30106"),
        (country == "FR" and not re.fullmatch(r"\d{5}", zip_code), "30108"),
        (zip_code in fake.unknown_postcodes, "30109"),
        (bool(phone) and not re.fullmatch(r"\+?\d{10,12}", phone), "30047"),
    )
    for refused, message_id in checks:
        if refused:
            return _sls_refusal(message_id, MESSAGES[message_id])
    return None


def _generate_label(fake: FakeColissimo, body: dict[str, Any], headers: dict[str, str]) -> Answer:
    if not _logged_in(fake, body, headers):
        return _sls_refusal("30000", "Identifiant ou mot de passe incorrect")
    output = str((body.get("outputFormat") or {}).get("outputPrintingType") or "")
    letter = body.get("letter") or {}
    service, parcel = letter.get("service") or {}, letter.get("parcel") or {}
    sender = (letter.get("sender") or {}).get("address") or {}
    addressee = (letter.get("addressee") or {}).get("address") or {}
    if not output:
        return _sls_refusal("30025", "Le type d'impression n'a pas été transmis")
    if output not in FORMATS:
        return _sls_refusal("30026", "Le type d'impression est incorrect")
    if not service.get("productCode"):
        return _sls_refusal("30014", "Le code produit n'a pas été transmis")
    if service["productCode"] not in PRODUCTS:
        return _sls_refusal("30015", "Le code produit est incorrect")
    if str(service.get("depositDate", "")) < datetime.now(PARIS).date().isoformat():
        return _sls_refusal("30002", "La date de dépôt est antérieure à la date courante")
    if (refusal := _sender_refusal(fake, sender)) is not None:
        return refusal
    if service["productCode"] in ("CORE", "CORI") and not addressee.get("companyName"):
        return _sls_refusal("30089", "La raison social du destinataire n'a pas été transmise")
    if not addressee.get("line2"):
        return _sls_refusal("30204", "Le numéro / libellé de voie du destinataire n'a pas été transmis")
    if not addressee.get("city"):
        return _sls_refusal("30208", "La ville du destinataire n'a pas été transmise")
    if addressee.get("countryCode") == "FR" and not re.fullmatch(r"\d{5}", str(addressee.get("zipCode", ""))):
        return _sls_refusal("30211", "Le code postal du destinataire est incorrect")
    weight = parcel.get("weight")
    if weight in (None, "", 0):
        return _sls_refusal("30300", "Le poids du colis n'a pas été transmis")
    if not isinstance(weight, int | float) or not 0.01 <= weight <= 30:
        return _sls_refusal("30301", "Le poids du colis est incorrect")
    if service.get("mailBoxPicking") and not service.get("mailBoxPickingDate"):
        return _sls_refusal("30813", "La date d'emport n'a pas été transmise")
    number = fake.parcel_number()
    data = label_bytes(number, output)
    fake.labels[number] = {"request": body, "format": output, "bytes": data}
    infos = {
        "messages": [
            {
                "id": "0",
                "type": "INFOS",
                "messageContent": "La requête a été traitée avec succès",
                "replacementValues": [],
            }
        ],
        "labelXmlV2Reponse": None,
        "labelV2Response": {
            "parcelNumber": number,
            "parcelNumberPartner": f"00{sender.get('zipCode', '')}{number}",
            "pdfUrl": None,
            "fields": None,
        },
    }
    return _multipart(200, infos, {"label": data})


def _mailbox_dates(fake: FakeColissimo, body: dict[str, Any], headers: dict[str, str]) -> Answer:
    if not _logged_in(fake, body, headers):
        refusal = {"id": "30000", "type": "ERROR", "messageContent": "Identifiant ou mot de passe incorrect"}
        return _json(400, {"messages": [refusal]})
    sender = body.get("sender") or {}
    if sender.get("zipCode") in fake.no_mailbox_postcodes or sender.get("countryCode") != "FR":
        none = {"id": "30812", "type": "ERROR", "messageContent": "Aucune date d'emport trouvée pour cette adresse"}
        return _json(200, {"messages": [none], "mailBoxPickingDates": []})
    first = datetime.now(PARIS).date() + timedelta(days=1)
    dates = [f"{first + timedelta(days=n)}T00:00:00.000+0000" for n in range(3)]
    return _json(
        200,
        {
            "messages": [{"id": "0", "type": "INFOS", "messageContent": "OK"}],
            "mailBoxPickingDateMaxHour": "08:00",
            "mailBoxPickingDates": dates,
            "validityTime": "15",
        },
    )


def _points(fake: FakeColissimo, body: dict[str, Any]) -> Answer:
    def refusal(code: int, message: str) -> Answer:
        return _json(
            200,
            {
                "errorCode": code,
                "errorMessage": message,
                "qualiteReponse": 0,
                "wsRequestId": "",
                "listePointRetraitAcheminement": [],
            },
        )

    logged_in = body.get("accountNumber") == fake.contract_number and body.get("password") == fake.password
    if not logged_in and body.get("apiKey") != fake.api_key:
        return refusal(201, "Identifiant / mot de passe invalide")
    zip_code = str(body.get("zipCode") or "")
    if not zip_code:
        return refusal(145, "Code postal obligatoire")
    if body.get("countryCode") == "FR" and not re.fullmatch(r"\d{5}", zip_code):
        return refusal(125, "Code postal incorrect (non compris entre 01XXX et 95XXX ou 980XX)")
    if not re.fullmatch(r"\d{2}/\d{2}/\d{4}", str(body.get("shippingDate") or "")):
        return refusal(122, "Date n'est pas au format JJ/MM/AAAA")
    found = [
        point
        for point in fake.points
        if point["codePostal"][:2] == zip_code[:2]
        and (body.get("filterRelay") != "0" or point["typeDePoint"] in ("BPR", "ACP", "CDI", "BDP"))
    ]
    if not found:
        return refusal(301, "Pas de point de retrait trouvé")
    found.sort(key=lambda point: point["distanceEnMetre"])
    return _json(
        200,
        {
            "errorCode": 0,
            "errorMessage": "Code retour OK",
            "qualiteReponse": 2,
            "wsRequestId": uuid.uuid4().hex,
            "listePointRetraitAcheminement": found,
            "rdv": False,
        },
    )


def _tracking(fake: FakeColissimo, number: str, query: dict[str, str], headers: dict[str, str]) -> Answer:
    if headers.get("x-okapi-key") != fake.okapi_key:
        return _json(401, {"code": "UNAUTHORIZED", "message": "Invalid or missing API key"})
    lang = query.get("lang", "fr_FR")
    if not re.fullmatch(r"[0-9A-Z]{11,15}", number):
        return _json(
            400, {"returnCode": 400, "returnMessage": BAD_NUMBER, "lang": lang, "scope": "open", "idShip": number}
        )
    if number not in fake.events and number not in fake.labels:
        unknown = {"returnCode": 404, "returnMessage": "Numéro de suivi inconnu", "lang": lang, "scope": "open"}
        return _json(404, {**unknown, "idShip": number})
    events = sorted(fake.events.get(number, []), key=lambda event: event["date"], reverse=True)
    delivered = any(event["code"] in ("DI1", "DI2") for event in events)
    shipment = {
        "idShip": number,
        "holder": 4,
        "product": "colissimo",
        "isFinal": delivered,
        "entryDate": events[-1]["date"] if events else None,
        "event": events,
        "timeline": [],
        "contextData": {"originCountry": "FR", "arrivalCountry": "FR"},
        "url": f"https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
    }
    return _json(200, {"lang": lang, "scope": "open", "returnCode": 200, "shipment": shipment})


def _route(
    fake: FakeColissimo, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: Any
) -> Answer:
    if path in fake.canned:
        return fake.canned[path]
    if method == "POST" and path == f"{SLS}generateLabel":
        return _generate_label(fake, body, headers)
    if method == "POST" and path == f"{SLS}getListMailBoxPickingDates":
        return _mailbox_dates(fake, body, headers)
    if method == "POST" and path == POINTS:
        return _points(fake, body)
    if method == "GET" and path.startswith(SUIVI):
        return _tracking(fake, unquote(path[len(SUIVI) :]), query, headers)
    return _json(404, {"error": "not found", "path": path})


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
                answer = _json(before.status, {"error": "fault injected"})
            elif raw and body is None and method == "POST":
                answer = _json(422, {"messages": [{"id": "422", "type": "ERROR", "messageContent": "JSON mal formé"}]})
            else:
                with fake.lock:
                    answer = _route(fake, method, parsed.path, query, headers, body)
                    after = fake._fault(parsed.path, after=True)
                if after is not None:
                    answer = _json(after.status, {"error": "fault injected after the work"})
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
