"""A Mondial Relay V1 web service on 127.0.0.1, for tests and for the full story in a browser.

It speaks Mondial Relay's formats (fake_soap.py), checks what the service checks with the STAT codes it answers
(fake_checks.py), signs like it (the Security key of each enseigne's private key: STAT 97 when it does not match) and
serves the label PDF at URL_Etiquette (fake_label.py). Use it as a pytest fixture (conftest.py: `mondial_relay`,
`mondial_relay_carrier`) or by hand:

    fake = FakeMondialRelay().start()
    point = fake.add_point("066974", name="TABAC DE LA GARE", street="4 PLACE DE LA GARE", postcode="69007",
                           city="LYON", latitude=45.7485, longitude=4.8467)
    carrier = get_carrier("mondial_relay", fake.settings())  # or an account with fake.url and fake.credentials
    ...                                                       # a label books expedition fake.number(1)
    fake.step(fake.number(1), "dropped")                      # the customer dropped the parcel at the point
    fake.stop()

Expedition numbers are predictable: the n-th booking gets `fake.number(n)` (31000001, 31000002, ...). Faults: `fail`
(an HTTP status, before or after the work, for an operation or "label"), `delay` (answer late: a client timeout).
Everything received is kept in `calls` (operation, the parameters in the order sent, the headers).
"""

import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from rma.shipping.carriers import CarrierSettings
from tests.shipping.carriers.mondial_relay import fake_soap
from tests.shipping.carriers.mondial_relay.fake_service import LABEL_PATH, Call, Expedition, Fault, MondialRelayService

# Mondial Relay's published test account (the manual's examples and its widget use BDTEST13 / PrivateK).
ENSEIGNE = "BDTEST13"
PRIVATE_KEY = "PrivateK"
PARIS = ZoneInfo("Europe/Paris")
DAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
# Tracing steps: (French wording, English wording, the answer's STAT once the step is there). Mondial Relay does not
# publish its wordings; these are those of its public tracking pages, and the English ones of the answer published by
# DigitalGenius (https://docs.digitalgenius.com/docs/mondial-relay-track-trace).
STEPS: dict[str, tuple[str, str, int]] = {
    "registered": ("Prise en charge de vos données", "Data reception", 80),
    "dropped": ("Colis déposé en Point Relais", "Parcel dropped off at the Pick Up Point", 81),
    "in_transit": ("Colis en cours d'acheminement", "Recieved in agency", 81),
    "out_for_delivery": ("Colis en cours de livraison", "Out for delivery", 81),
    "delivered": ("Colis livré", "Delivered", 82),
    "anomaly": ("Anomalie : colis endommagé", "Anomaly: damaged parcel", 83),
    "returned": ("Colis en retour à l'expéditeur", "Returned to sender", 83),
}


class FakeMondialRelay(MondialRelayService):
    """Mondial Relay's SOAP API and label server, with points, postcodes and expeditions the test sets up."""

    def __init__(
        self, *, accounts: dict[str, str] | None = None, first_number: int = 31_000_001, port: int = 0
    ) -> None:
        self.lock = threading.RLock()
        self.accounts = dict(accounts or {ENSEIGNE: PRIVATE_KEY})
        self.first_number = first_number
        self.points: dict[tuple[str, str], dict[str, Any]] = {}
        self.postcodes: dict[tuple[str, str], tuple[float, float, set[str]]] = {}
        self.unknown_postcodes: set[tuple[str, str]] = set()
        self.expeditions: dict[str, Expedition] = {}
        self.calls: list[Call] = []
        self.label_downloads: list[dict[str, str]] = []
        self.faults: list[Fault] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-mondial-relay", daemon=True
        )

    # ---- Running

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def credentials(self) -> dict[str, str]:
        enseigne = next(iter(self.accounts))
        return {"enseigne": enseigne, "private_key": self.accounts[enseigne]}

    def settings(self, *, timeout: float = 5.0, **options: Any) -> CarrierSettings:
        """A carrier account's settings pointing at this server (labels are fetched from it too)."""
        return CarrierSettings(
            account="mondial-relay-test",
            credentials=self.credentials,
            base_url=self.url,
            options=options,
            timeout=timeout,
        )

    def start(self) -> "FakeMondialRelay":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> "FakeMondialRelay":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- Test set-up

    def number(self, n: int) -> str:
        """The expedition number of the n-th booking (1-based)."""
        return str(self.first_number + n - 1)

    def add_point(
        self,
        number: str,
        *,
        name: str,
        street: str,
        postcode: str,
        city: str,
        latitude: float,
        longitude: float,
        country: str = "FR",
        hours: dict[str, list[str]] | None = None,
        closures: tuple[tuple[str, str], ...] = (),
        accepts_drop: bool = True,
        available: bool = True,
        hint: str = "",
    ) -> str:
        """A Point Relais (or a Locker, named "LOCKER …"); `hours` maps "Lundi"… to four "HHMM" strings (missing days
        are closed; default Monday to Saturday 09:00-12:30 14:00-19:00); `closures` are ("YYYY-MM-DD", "YYYY-MM-DD").
        Returns our id of the point, "FR-066974"."""
        number = number.zfill(6)
        default_day = ["0900", "1230", "1400", "1900"]
        with self.lock:
            self.points[(country, number)] = {
                "number": number,
                "name": name,
                "street": street,
                "postcode": postcode,
                "city": city,
                "country": country,
                "latitude": latitude,
                "longitude": longitude,
                "hours": hours if hours is not None else dict.fromkeys(DAYS[:6], default_day),
                "closures": closures,
                "accepts_drop": accepts_drop,
                "available": available,
                "hint": hint,
            }
        return f"{country}-{number}"

    def add_postcode(
        self, postcode: str, *, latitude: float, longitude: float, cities=(), country: str = "FR"
    ) -> None:
        """Where a postcode is (the centre of a point search) and its towns (a label elsewhere gets STAT 9)."""
        with self.lock:
            self.postcodes[(country, postcode)] = (latitude, longitude, {city.upper() for city in cities})

    def step(self, number: str, kind: str, *, at: datetime | None = None, place: str = "", point: str = "") -> None:
        """Add a tracing step of a documented kind (see STEPS) to an expedition; the answer's STAT follows it."""
        french, english, stat = STEPS[kind]
        self.add_step(number, french=french, english=english, stat=stat, at=at, place=place, point=point)

    def add_step(
        self,
        number: str,
        *,
        french: str,
        english: str = "",
        stat: int | None = None,
        at: datetime | None = None,
        place: str = "",
        point: str = "",
    ) -> None:
        """Add any tracing step (the carrier's own words) to an expedition; `point` is "FR-066974" or ""."""
        when = (at or datetime.now(tz=PARIS)).astimezone(PARIS)
        country, _sep, point_number = point.rpartition("-") if point else ("", "", "")
        with self.lock:
            expedition = self.expeditions[number]
            expedition.steps.append(
                {
                    "FR": french,
                    "EN": english or french,
                    "date": when.strftime("%d/%m/%y"),
                    "time": when.strftime("%H:%M"),
                    "place": place,
                    "point": point_number,
                    "point_country": country,
                }
            )
            if stat is not None:
                expedition.stat = stat

    def fail(self, target: str, *, status: int = 503, times: int = 1, after_work: bool = False) -> None:
        """Answer `status` to the next `times` calls of `target` (an operation, or "label" for the PDF), before
        doing the work or after it (the booking is made, the answer is lost)."""
        with self.lock:
            self.faults.append(Fault(target=target, status=status, times=times, after_work=after_work))

    def answer_stat(self, operation: str, stat: int, *, times: int = 1) -> None:
        """Answer STAT `stat` to the next `times` calls of `operation` whatever they hold (e.g. 99, the service's
        "generic error", or 90, "AS400 unavailable")."""
        with self.lock:
            self.faults.append(Fault(target=operation, status=200, times=times, stat=stat))

    def delay(self, target: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` calls of `target` only after `seconds` (longer than the client's timeout)."""
        with self.lock:
            self.faults.append(Fault(target=target, status=0, times=times, delay=seconds))

    def calls_of(self, operation: str) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.operation == operation]

    # ---- Serving (called by the handler)

    def soap(self, *, soap_action: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        try:
            operation, sent, params = fake_soap.request_read(soap_action=soap_action, body=body)
        except fake_soap.SoapFault as exc:
            return 500, fake_soap.fault(str(exc))
        with self.lock:
            self.calls.append(Call(operation=operation, sent=sent, params=params, headers=headers))
        fault = self.fault_for(operation)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        elif fault is not None and fault.stat:
            return 200, fake_soap.answer(operation, fault.stat)
        elif fault is not None and not fault.after_work:
            return fault.status, b"Service Unavailable"
        answer = self._operation(operation, params)
        if fault is not None and fault.after_work:
            return fault.status, b"Service Unavailable"
        return 200, answer


def _handler(fake: FakeMondialRelay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            return

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            # One request per connection: no handler thread outlives its answer (the live worker checks for them).
            self.send_header("Connection", "close")
            self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if urlsplit(self.path).path.lower() != "/web_services.asmx":
                self._send(404, "text/html", b"<html><body>Not Found</body></html>")
                return
            status, answer = fake.soap(
                soap_action=self.headers.get("SOAPAction", ""), body=body, headers=dict(self.headers.items())
            )
            self._send(status, "text/xml; charset=utf-8", answer)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path.lower() != LABEL_PATH.lower():
                self._send(404, "text/html", b"<html><body>Not Found</body></html>")
                return
            status, content_type, body = fake.label(dict(parse_qsl(parts.query)))
            self._send(status, content_type, body)

    return Handler
