"""Mondial Relay's points (WSI4_PointRelais_Recherche's PointRelais_Details) as our CarrierPoint.

Sources: Mondial Relay, "WEB SERVICE" V-5.7 (October 2020), "WSI4_PointRelais_Recherche"; the WSDL's
PointRelais_Details type (https://api.mondialrelay.com/Web_Services.asmx?WSDL); Mondial Relay's parcel limits for a
drop at a Point Relais® (https://www.mondialrelay.fr/faq/envoyer-un-colis/: 30 kg, length + width + height ≤ 150 cm).

- Num is the point's 6-digit number, unique within its country (Pays): our carrier_point_id is "<Pays>-<Num>"
  ("FR-066974"), the form Mondial Relay's own widget returns, so a label request knows the point's country too.
- LgAdr1 is the point's name (LgAdr2 its complement), LgAdr3 the street, LgAdr4 an address complement; the service
  pads them with spaces.
- Latitude and Longitude use a decimal comma ("48,8766000").
- Horaires_Lundi … Horaires_Dimanche each hold four "HHMM" strings: two opening slots, "0000" "0000" for none
  (a day with both slots empty is closed).
- Informations_Dispo lists the closures: Periode elements with Debut and Fin (xs:dateTime).
- The search asks with Action "REL": points where a sender may drop a parcel, which is what a return needs, so every
  point found accepts returns. WSI4 has no kind field (the manual dropped its Locker details in V-5.4): a point whose
  name starts with one of the account's `locker_name_prefixes` (default "LOCKER") is read as a locker, any other as
  a relay point; a locker open round the clock every day is 24/7.
"""

from collections.abc import Iterable
from datetime import date, datetime
from xml.etree import ElementTree

from rma.locations.choices import WEEKDAYS, DropOffKind
from rma.shipping.carriers.base import CarrierPoint
from rma.shipping.carriers.mondial_relay.soap import NAMESPACE

DAY_ELEMENTS = (
    "Horaires_Lundi",
    "Horaires_Mardi",
    "Horaires_Mercredi",
    "Horaires_Jeudi",
    "Horaires_Vendredi",
    "Horaires_Samedi",
    "Horaires_Dimanche",
)
RELAY_MAX_WEIGHT_KG = 30
RELAY_MAX_DIMENSIONS_CM = 150
DEFAULT_LOCKER_PREFIXES = ("LOCKER",)


def _text(node: ElementTree.Element, name: str) -> str:
    return " ".join((node.findtext(f"{{{NAMESPACE}}}{name}") or "").split())


def point_id(*, country: str, number: str) -> str:
    """Our id of a point: "<country>-<6-digit number>"."""
    return f"{country.upper()}-{number.zfill(6)}"


def point_id_split(value: str, *, default_country: str) -> tuple[str, str]:
    """(country, 6-digit number) of "FR-066974", "FR66974" or a bare "066974" (then in `default_country`)."""
    value = value.strip().upper()
    country, number = (value[:2], value[2:].lstrip("-")) if value[:2].isalpha() else (default_country.upper(), value)
    return country, number.zfill(6)


def _hhmm(value: str) -> str:
    return f"{value[:2]}:{value[2:4]}"


def _day_slots(values: list[str]) -> list[list[str]]:
    """Two slots from the four "HHMM" strings of a day; an empty slot ("0000" to "0000") is left out."""
    slots: list[list[str]] = []
    for start, end in zip(values[0::2], values[1::2], strict=False):
        if len(start) != 4 or len(end) != 4 or not (start + end).isdigit() or start == end:
            continue
        # The service writes a slot that ends at midnight as "2359" or "2400"; ours end at "24:00" at most.
        slots.append([_hhmm(start), "24:00" if end in ("2359", "2400") else _hhmm(end)])
    if len(slots) == 2 and slots[0][1] >= slots[1][0]:  # one continuous day written as two touching slots
        slots = [[slots[0][0], slots[1][1]]]
    return slots


def opening_hours(node: ElementTree.Element) -> dict[str, list[list[str]]]:
    """{"mon": [["09:00", "12:30"], ["14:00", "19:00"]], ...}: a closed day is left out."""
    hours: dict[str, list[list[str]]] = {}
    for day, element in zip(WEEKDAYS, DAY_ELEMENTS, strict=True):
        day_node = node.find(f"{{{NAMESPACE}}}{element}")
        if day_node is None:
            continue
        values = [(child.text or "").strip() for child in day_node.findall(f"{{{NAMESPACE}}}string")]
        slots = _day_slots(values)
        if slots:
            hours[day] = slots
    return hours


def _date(value: str) -> date | None:
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None


def closures(node: ElementTree.Element) -> tuple[dict[str, str], ...]:
    """Each Periode of Informations_Dispo as {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}."""
    found = []
    for period in node.iterfind(f"{{{NAMESPACE}}}Informations_Dispo/{{{NAMESPACE}}}Periode"):
        start, end = _date(_text(period, "Debut")), _date(_text(period, "Fin"))
        if start is not None and end is not None and start <= end:
            found.append({"start": start.isoformat(), "end": end.isoformat()})
    return tuple(found)


def _coordinate(value: str) -> float | None:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return None


def _is_24_7(hours: dict[str, list[list[str]]]) -> bool:
    return len(hours) == 7 and all(slots == [["00:00", "24:00"]] for slots in hours.values())


def point_read(
    node: ElementTree.Element, *, locker_prefixes: Iterable[str] = DEFAULT_LOCKER_PREFIXES
) -> CarrierPoint | None:
    """One PointRelais_Details as a CarrierPoint; None when it lacks a number or usable coordinates."""
    number, country = _text(node, "Num"), _text(node, "Pays")
    latitude, longitude = _coordinate(_text(node, "Latitude")), _coordinate(_text(node, "Longitude"))
    if not number or not country or latitude is None or longitude is None:
        return None
    name = " ".join(part for part in (_text(node, "LgAdr1"), _text(node, "LgAdr2")) if part)
    hours = opening_hours(node)
    is_locker = name.upper().startswith(tuple(prefix.upper() for prefix in locker_prefixes))
    return CarrierPoint(
        carrier_point_id=point_id(country=country, number=number),
        kind=DropOffKind.LOCKER if is_locker else DropOffKind.RELAY_POINT,
        name=name or number,
        address_line1=_text(node, "LgAdr3"),
        address_line2=_text(node, "LgAdr4"),
        postcode=_text(node, "CP"),
        city=_text(node, "Ville"),
        country=country.upper(),
        latitude=latitude,
        longitude=longitude,
        opening_hours=hours,
        closures=closures(node),
        open_24_7=is_locker and _is_24_7(hours),
        max_weight_kg=None if is_locker else RELAY_MAX_WEIGHT_KG,
        max_dimensions_cm=None if is_locker else RELAY_MAX_DIMENSIONS_CM,
        accepts_returns=True,
    )


def points_read(
    result: ElementTree.Element, *, locker_prefixes: Iterable[str] = DEFAULT_LOCKER_PREFIXES
) -> list[CarrierPoint]:
    """Every point of a WSI4 result, in the service's order (nearest first)."""
    points = []
    for node in result.iterfind(f"{{{NAMESPACE}}}PointsRelais/{{{NAMESPACE}}}PointRelais_Details"):
        point = point_read(node, locker_prefixes=locker_prefixes)
        if point is not None:
            points.append(point)
    return points
