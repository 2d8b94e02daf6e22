"""Colissimo's pick-up points ("Point Retrait" web service) read as our drop-off points.

Source: La Poste Colissimo "Delivery options web service" (Point Retrait, technical document March 2019,
method findRDVPointRetraitAcheminement), REST v2 at
https://ws.colissimo.fr/pointretrait-ws-cxf/rest/v2/pointretrait/findRDVPointRetraitAcheminement: a JSON POST of
{accountNumber, password, address, zipCode, city, countryCode, weight (grams), shippingDate "dd/mm/yyyy",
filterRelay ("0" post offices only, "1" every kind), lang, optionInter ("1" outside France)}; the answer is
{errorCode (0 = OK), errorMessage, qualiteReponse, wsRequestId, listePointRetraitAcheminement: [point]}.
A point: identifiant, nom, adresse1..3, codePostal, localite, codePays, coordGeolocalisationLatitude/Longitude
(strings), distanceEnMetre, horairesOuvertureLundi..Dimanche ("HH:MM-HH:MM HH:MM-HH:MM", "00:00-00:00" = no
slot), listeConges [{numero, calendarDeDebut, calendarDeFin}] (epoch milliseconds in the REST answer),
congesTotal, accesPersonneMobiliteReduite, poidsMaxi (grams), typeDePoint, reseau, parking.
An answer recorded from the live service: akretion/roulier
tests/cassettes/test_colissimo/test_search_pickup_sites_login_password_ok.yaml (March 2025).

typeDePoint: BPR post office, ACP Colissimo agency, CDI distribution centre, BDP post office (Belgium),
A2P relay point ("relais Pickup"), CMT relay point abroad, PCS Pickup Station (locker). Colissimo Retour parcels
may be dropped at post offices and relay points; lockers are listed as lockers (the account's options say
whether they take returns: `locker_returns`, default true).
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rma.shipping.carriers.base import CarrierPoint

PARIS = ZoneInfo("Europe/Paris")
POINT_KINDS = {
    "BPR": "post_office",
    "ACP": "post_office",
    "CDI": "post_office",
    "BDP": "post_office",
    "A2P": "relay_point",
    "CMT": "relay_point",
    "PCS": "locker",
}
DAYS = (
    ("mon", "horairesOuvertureLundi"),
    ("tue", "horairesOuvertureMardi"),
    ("wed", "horairesOuvertureMercredi"),
    ("thu", "horairesOuvertureJeudi"),
    ("fri", "horairesOuvertureVendredi"),
    ("sat", "horairesOuvertureSamedi"),
    ("sun", "horairesOuvertureDimanche"),
)


def point_kind(type_de_point: str) -> str:
    return POINT_KINDS.get(type_de_point.strip().upper(), "relay_point")


def opening_hours(point: Mapping[str, Any]) -> dict[str, list[list[str]]]:
    """{"mon": [["09:00", "12:00"], ["14:00", "18:00"]], ...}; "00:00-00:00" slots and closed days are left out."""
    hours: dict[str, list[list[str]]] = {}
    for day, key in DAYS:
        slots = []
        for slot in str(point.get(key) or "").split():
            start, dash, end = slot.partition("-")
            if dash and start != end and (start, end) != ("00:00", "00:00"):
                slots.append([start, end])
        if slots:
            hours[day] = slots
    return hours


def _day(value: Any) -> str:
    """A listeConges bound as a Paris date: epoch milliseconds (REST) or an ISO date-time (SOAP)."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, UTC).astimezone(PARIS).date().isoformat()
    text = str(value or "").strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return ""
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(PARIS)
    return parsed.date().isoformat()


def closures(point: Mapping[str, Any]) -> tuple[dict[str, str], ...]:
    found = []
    raw = point.get("listeConges") or []
    for holiday in [raw] if isinstance(raw, dict) else raw:
        start, end = _day(holiday.get("calendarDeDebut")), _day(holiday.get("calendarDeFin"))
        if start and end:
            found.append({"start": start, "end": max(start, end)})
    return tuple(sorted(found, key=lambda closure: closure["start"]))


def carrier_point(point: Mapping[str, Any], *, locker_returns: bool = True) -> CarrierPoint | None:
    """One point of the answer; None for a point without an id or readable coordinates."""
    identifier = str(point.get("identifiant") or "").strip()
    try:
        latitude = float(str(point.get("coordGeolocalisationLatitude")).replace(",", "."))
        longitude = float(str(point.get("coordGeolocalisationLongitude")).replace(",", "."))
    except ValueError:
        return None
    if not identifier:
        return None
    kind = point_kind(str(point.get("typeDePoint") or ""))
    lines = [" ".join(str(point.get(key) or "").split()) for key in ("adresse1", "adresse2", "adresse3")]
    max_grams = point.get("poidsMaxi")
    return CarrierPoint(
        carrier_point_id=identifier,
        kind=kind,
        name=" ".join(str(point.get("nom") or "").split()),
        address_line1=lines[0],
        address_line2=", ".join(line for line in lines[1:] if line),
        postcode=str(point.get("codePostal") or "").strip(),
        city=" ".join(str(point.get("localite") or "").split()),
        country=str(point.get("codePays") or "FR").strip().upper(),
        latitude=latitude,
        longitude=longitude,
        opening_hours=opening_hours(point),
        closures=closures(point),
        wheelchair_accessible=bool(point.get("accesPersonneMobiliteReduite")),
        max_weight_kg=int(max_grams) // 1000 if isinstance(max_grams, int | float) and max_grams > 0 else None,
        accepts_returns=locker_returns if kind == "locker" else True,
    )
