"""The Mondial Relay V1 service's behaviour behind the fake (fake.py): what each operation does with the points,
postcodes and expeditions the test set up, and the label PDF it serves. See fake.py for how to use it."""

import hashlib
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from rma.shipping.carriers.mondial_relay.soap import OPERATIONS, security_key
from tests.shipping.carriers.mondial_relay import fake_checks, fake_soap
from tests.shipping.carriers.mondial_relay.fake_label import PAGE_SIZES, label_pdf

LABEL_PATH = "/ww2/PDF/StickerMaker2.aspx"


@dataclass
class Call:
    operation: str
    sent: list[tuple[str, str]]
    params: dict[str, str]
    headers: dict[str, str]

    @property
    def names(self) -> list[str]:
        return [name for name, _value in self.sent]


@dataclass
class Expedition:
    number: str
    enseigne: str
    params: dict[str, str]
    label_path: str
    crc: str
    stat: int = 80
    steps: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Fault:
    target: str
    status: int = 503
    times: int = 1
    after_work: bool = False
    delay: float = 0.0
    stat: int = 0


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


class MondialRelayService:
    """The operations; FakeMondialRelay adds the HTTP server and the test set-up."""

    lock: threading.RLock
    accounts: dict[str, str]
    points: dict[tuple[str, str], dict[str, Any]]
    postcodes: dict[tuple[str, str], tuple[float, float, set[str]]]
    unknown_postcodes: set[tuple[str, str]]
    expeditions: dict[str, "Expedition"]
    label_downloads: list[dict[str, str]]
    faults: list["Fault"]

    def number(self, n: int) -> str:
        raise NotImplementedError

    def fault_for(self, target: str) -> "Fault | None":
        with self.lock:
            for fault in self.faults:
                if fault.target == target and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def _operation(self, operation: str, params: dict[str, str]) -> bytes:
        enseigne = params.get("Enseigne", "")
        if not fake_checks.ENSEIGNE.match(enseigne):
            return fake_soap.answer(operation, 1)
        key = self.accounts.get(enseigne.rstrip()) or self.accounts.get(enseigne)
        if key is None:
            return fake_soap.answer(operation, 2)
        values = [params.get(name, "") for name in OPERATIONS[operation]]
        if params.get("Security", "") != security_key(values=values, private_key=key):
            return fake_soap.answer(operation, 97)
        handlers = {
            "WSI2_CreationEtiquette": self._book,
            "WSI4_PointRelais_Recherche": self._search,
            "WSI2_TracingColisDetaille": self._trace,
        }
        return handlers[operation](params, key)

    def _book(self, params: dict[str, str], key: str) -> bytes:
        operation = "WSI2_CreationEtiquette"
        stat = fake_checks.label_stat(params) or fake_checks.collection_point_stat(params)
        country, postcode = params.get("Expe_Pays", ""), params.get("Expe_CP", "")
        with self.lock:
            place = self.postcodes.get((country, postcode))
            if not stat and place is not None and place[2] and params.get("Expe_Ville") not in place[2]:
                stat = 9
            if not stat and params.get("ModeCol") == "REL" and params.get("COL_Rel") != "AUTO":
                point = self.points.get((params.get("COL_Rel_Pays", ""), params.get("COL_Rel", "")))
                if point is None:
                    stat = 11
                elif not (point["available"] and point["accepts_drop"]):
                    stat = 93
            if not stat and (country, postcode) in self.unknown_postcodes:
                stat = 93
            if stat:
                return fake_soap.answer(operation, stat)
            number = self.number(len(self.expeditions) + 1)
            ens = f"{params['Enseigne'].rstrip()}11"  # the documented URLs name the enseigne and its brand ("11")
            crc = hashlib.md5(f"{ens}{number}{key}".encode(), usedforsecurity=False).hexdigest().upper()
            language = params.get("Expe_Langage", "FR")
            label_path = f"{LABEL_PATH}?ens={ens}&expedition={number}&lg={language}&format=A4&crc={crc}"
            self.expeditions[number] = Expedition(
                number=number, enseigne=params["Enseigne"], params=dict(params), label_path=label_path, crc=crc
            )
        return fake_soap.answer(operation, 0, fake_soap.label_inner(number=number, label_path=label_path))

    def _search(self, params: dict[str, str], key: str) -> bytes:
        operation = "WSI4_PointRelais_Recherche"
        stat = fake_checks.search_stat(params)
        if stat:
            return fake_soap.answer(operation, stat)
        country, postcode = params["Pays"], params.get("CP", "")
        radius = float(params.get("RayonRecherche") or 20)
        wanted = int(params.get("NombreResultats") or 10)
        with self.lock:
            candidates = [point for (point_country, _n), point in self.points.items() if point_country == country]
            if params.get("NumPointRelais"):
                candidates = [point for point in candidates if point["number"] == params["NumPointRelais"]]
            if params.get("Action") == "REL":
                candidates = [point for point in candidates if point["accepts_drop"] and point["available"]]
            centre = self.postcodes.get((country, postcode))
        if params.get("Latitude") and params.get("Longitude"):
            centre = (float(params["Latitude"]), float(params["Longitude"]), set())
        found: list[tuple[float, dict[str, Any], int | None]] = []
        for point in candidates:
            if centre is not None:
                km = _distance_km(centre[0], centre[1], point["latitude"], point["longitude"])
                if km <= radius or params.get("NumPointRelais"):
                    found.append((km, point, round(km * 1000)))
            elif point["postcode"][:2] == postcode[:2]:  # no known centre: the same département
                found.append((0.0 if point["postcode"] == postcode else 1.0, point, None))
        found.sort(key=lambda item: (item[0], item[1]["number"]))
        points = [fake_soap.point_inner(point, distance_m=distance) for _km, point, distance in found[:wanted]]
        return fake_soap.answer(operation, 0, fake_soap.points_inner(points))

    def _trace(self, params: dict[str, str], key: str) -> bytes:
        operation = "WSI2_TracingColisDetaille"
        number, language = params.get("Expedition", ""), params.get("Langue", "")
        if not number.isdigit() or len(number) != 8:
            return fake_soap.answer(operation, 24)
        if len(language) != 2 or not language.isalpha() or not language.isupper():
            return fake_soap.answer(operation, 74)
        with self.lock:
            expedition = self.expeditions.get(number)
            if expedition is None or expedition.enseigne != params["Enseigne"]:
                return fake_soap.answer(operation, 94)
            words = "FR" if language == "FR" else "EN"
            steps = [{**step, "wording": step[words]} for step in expedition.steps]
            summary = steps[-1]["wording"] if steps else ""
            point = self.points.get((expedition.params.get("COL_Rel_Pays", ""), expedition.params.get("COL_Rel", "")))
            inner = fake_soap.tracing_inner(
                summary=summary,
                point_name=str(point["name"]) if point else "",
                point_number=str(point["number"]) if point else "",
                steps=steps,
            )
            return fake_soap.answer(operation, expedition.stat, inner)

    def label(self, query: dict[str, str]) -> tuple[int, str, bytes]:
        fault = self.fault_for("label")
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        elif fault is not None:
            return fault.status, "text/html", b"<html><body>Service Unavailable</body></html>"
        with self.lock:
            self.label_downloads.append(dict(query))
            expedition = self.expeditions.get(query.get("expedition", ""))
        size = query.get("format", "A4")
        if expedition is None or query.get("crc") != expedition.crc or size not in PAGE_SIZES:
            return 200, "text/html", b"<html><body>Etiquette introuvable</body></html>"
        return 200, "application/pdf", label_pdf(number=expedition.number, size=size, params=expedition.params)
