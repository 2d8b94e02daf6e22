"""Reading drop-off points from files: La Poste's open dataset and a CSV format of our own.

Each reader turns a file into `PointRow`s: the DropOffPoint fields the file knows about, keyed by (carrier,
carrier_point_id), or the reason the row cannot be used, always with the row's line number. A reader only fills the
fields its format carries, so that a file without hours (La Poste's) never wipes hours that came from elsewhere.

1. La Poste, "Liste des points de contact du réseau postal français" — the dataset "Liste des bureaux de poste,
   agences postales et relais poste" (https://www.data.gouv.fr/fr/datasets/liste-des-bureaux-de-poste-agences-
   postales-et-relais-poste/, original https://datanova.laposte.fr/explore/dataset/laposte_poincont2/, monthly,
   Licence Ouverte 2.0). Semicolon-separated CSV, one row per point de contact, header row first. Columns used
   (header spellings vary between editions — "#Identifiant", "Identifiant_A", "Identifiant_du_site",
   "Libellé_du_site" or "libelle_du_site" — so names are compared without case, accents or punctuation):
   identifiant, libellé du site, caractéristique du site ("Bureau de poste", "Agence postale communale",
   "Relais poste commerçant"…), adresse, complément d'adresse, lieu-dit, code postal, localité, pays, latitude,
   longitude (WGS84, decimal point or comma), code INSEE (not stored) and, in the edition with services, the
   accessibility column "Accessibilité_Entrée_autonome_en_fauteuil_roulant_possible" (Oui/Non). Bureaux and
   agences postales become `post_office`, relais poste become `relay_point`, carrier "la_poste". The file has no
   opening hours (La Poste publishes them in another dataset), so hours are left as they are. Files from
   data.gouv.fr are UTF-8 (with or without BOM); older ones are ISO-8859-15, which is read too.

2. Our own CSV (comma- or semicolon-separated, UTF-8, header row first; column order free, unknown columns ignored):

   carrier            who runs the point, e.g. "mondial_relay" (may be left out when --carrier is given)
   carrier_point_id   the carrier's id of the point (required)
   kind               relay_point, locker, post_office or store (required)
   name               (required)
   address, address2, postcode, city
   country            ISO code, default FR
   latitude, longitude  decimal degrees (WGS84)
   hours              weekly hours: "mon=09:00-12:00,14:00-19:00;tue=09:00-19:00;sat=09:00-12:00" — days mon…sun,
                      several slots a day separated by commas, a day left out is closed; "24/7" means always open
   closures           dates the point is shut: "2026-12-25;2026-08-01..2026-08-15" (a day, or first..last day)
   wheelchair_accessible, accepts_returns, label_printing
                      yes/no (also true/false, 1/0, oui/non); left empty: no, except accepts_returns: yes
   max_weight_kg      whole kilograms, empty for no limit
   max_dimensions_cm  the largest length + width + height in centimetres, empty for no limit
   compartments       a locker's compartment sizes, "size:height x width x depth" in cm separated by ";", e.g.
                      "A:8x38x64;B:19x38x64;C:41x38x64" (InPost's A, B and C); empty for none. A file without this
                      column leaves the compartments as they are.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rma.locations.choices import WEEKDAYS, DropOffKind

FORMATS = ("laposte", "csv")
LA_POSTE = "la_poste"

_TRUE = {"yes", "y", "true", "1", "oui", "o", "x"}
_FALSE = {"no", "n", "false", "0", "non", ""}
_SLOT_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class RowError(ValueError):
    """A row that cannot be used; the message says why, in words the person who made the file understands."""


@dataclass
class PointRow:
    line: int
    carrier: str = ""
    carrier_point_id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def _key(name: str) -> str:
    """A header reduced to lowercase ASCII words joined by "_": "#Libellé_du_site" and "libelle du site" meet."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def text_decode(*, data: bytes) -> str:
    """UTF-8 as published today, else ISO-8859-15 as in the dataset's older editions."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("iso-8859-15")


def _rows(*, text: str, delimiter: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {normalised header: value}) for each non-empty data row."""
    if delimiter is None:
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [_key(name) for name in next(reader, [])]
    if not header:
        return
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        yield reader.line_num, {name: value.strip() for name, value in zip(header, values, strict=False)}


def _float(value: str, what: str) -> float | None:
    if not value:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise RowError(f"{what} {value!r} is not a number.") from None


def _coordinates(row: dict[str, str]) -> dict[str, float | None]:
    latitude = _float(row.get("latitude", ""), "latitude")
    longitude = _float(row.get("longitude", ""), "longitude")
    if (latitude is None) != (longitude is None):
        raise RowError("latitude and longitude go together.")
    if latitude is not None and longitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise RowError(f"coordinates {latitude}, {longitude} are out of range.")
    return {"latitude": latitude, "longitude": longitude}


def _first(row: dict[str, str], *names: str) -> str:
    for name in names:
        if row.get(name):
            return row[name]
    return ""


# La Poste ----------------------------------------------------------------------------------------------------------

_COUNTRIES = {"": "FR", "france": "FR", "monaco": "MC"}


def _laposte_kind(characteristic: str) -> str:
    words = _key(characteristic)
    if "relais" in words:
        return DropOffKind.RELAY_POINT
    if "bureau" in words or "agence" in words:
        return DropOffKind.POST_OFFICE
    raise RowError(f"unknown site characteristic {characteristic!r}.")


def _laposte_fields(row: dict[str, str]) -> dict[str, Any]:
    name = _first(row, "libelle_du_site", "libelle_du", "libelle")
    if not name:
        raise RowError("the site has no name (Libellé_du_site).")
    country_name = row.get("pays", "")
    country = country_name.upper() if len(country_name) == 2 else _COUNTRIES.get(_key(country_name))
    if country is None:
        raise RowError(f"unknown country {country_name!r}.")
    complement = _first(row, "complement_d_adresse", "complement_adresse")
    second_line = ", ".join(part for part in (complement, row.get("lieu_dit", "")) if part)
    fields: dict[str, Any] = {
        "kind": _laposte_kind(_first(row, "caracteristique_du_site", "caracteristique", "type")),
        "name": name,
        "address_line1": row.get("adresse", ""),
        "address_line2": second_line,
        "postcode": _first(row, "code_postal", "c_postal"),
        "city": _first(row, "localite", "commune"),
        "country": country,
        **_coordinates(row),
    }
    accessible = row.get("accessibilite_entree_autonome_en_fauteuil_roulant_possible")
    if accessible is not None:
        fields["wheelchair_accessible"] = _bool(accessible, "accessibility")
    return fields


def laposte_read(*, text: str, carrier: str = LA_POSTE) -> Iterator[PointRow]:
    """Points of La Poste's "points de contact" file (see the module docstring)."""
    for line, row in _rows(text=text, delimiter=";"):
        point_id = _first(row, "identifiant_a", "identifiant_du_site", "identifiant", "identifian", "ident")
        point = PointRow(line=line, carrier=carrier, carrier_point_id=point_id)
        try:
            if not point_id:
                raise RowError("the site has no identifier.")
            point.fields = _laposte_fields(row)
        except RowError as exc:
            point.error = str(exc)
        yield point


# Our own CSV -------------------------------------------------------------------------------------------------------


def _bool(value: str, what: str, *, default: bool = False) -> bool:
    lowered = value.strip().lower()
    if not lowered:
        return default
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise RowError(f"{what} must be yes or no, not {value!r}.")


def _int(value: str, what: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 32768:
        raise RowError(f"{what} must be a whole number from 1 to 32767, not {value!r}.")
    return int(value)


def _time(hours: str, minutes: str) -> str:
    return f"{int(hours):02d}:{minutes}"


def hours_parse(*, value: str) -> tuple[dict[str, list[list[str]]], bool]:
    """("mon=09:00-12:00,14:00-19:00;sat=09:00-12:00") → ({"mon": [["09:00", "12:00"], ["14:00", "19:00"]], …},
    open 24/7?). The slots are checked by the model's validator when the point is saved."""
    value = value.strip()
    if value.lower() in {"24/7", "24h/24"}:
        return {}, True
    hours: dict[str, list[list[str]]] = {}
    for part in filter(None, (p.strip() for p in value.split(";"))):
        day, _, slots = part.partition("=")
        day = day.strip().lower()
        if day not in WEEKDAYS or day in hours:
            raise RowError(f"hours: {day!r} is not a weekday (mon…sun) or is given twice.")
        hours[day] = []
        for slot in filter(None, (s.strip() for s in slots.split(","))):
            match = _SLOT_RE.match(slot.replace(" ", ""))
            if not match:
                raise RowError(f"hours: {slot!r} on {day} is not a slot like 09:00-12:00.")
            hours[day].append([_time(*match.group(1, 2)), _time(*match.group(3, 4))])
    return hours, False


def closures_parse(*, value: str) -> list[dict[str, str]]:
    """ "2026-12-25;2026-08-01..2026-08-15" → [{"start": "2026-12-25", "end": "2026-12-25"}, …], checked dates."""
    closures = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        start, _, end = part.partition("..")
        try:
            first, last = date.fromisoformat(start.strip()), date.fromisoformat((end or start).strip())
        except ValueError:
            raise RowError(f"closures: {part!r} is not a date (2026-12-25) or a range (first..last).") from None
        if last < first:
            raise RowError(f"closures: {part!r} ends before it starts.")
        closures.append({"start": first.isoformat(), "end": last.isoformat()})
    return closures


_COMPARTMENT_RE = re.compile(r"^([^:]+):(\d+(?:[.,]\d+)?)x(\d+(?:[.,]\d+)?)x(\d+(?:[.,]\d+)?)$")


def compartments_parse(*, value: str) -> list[dict[str, Any]]:
    """ "A:8x38x64;B:19x38x64" → [{"size": "A", "height": 8, "width": 38, "depth": 64}, …] (cm)."""
    compartments = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        match = _COMPARTMENT_RE.match(part.replace(" ", "").lower().replace("×", "x"))
        if not match:
            raise RowError(f"compartments: {part!r} is not a size like A:8x38x64 (height x width x depth in cm).")
        dimensions = [float(n.replace(",", ".")) for n in match.group(2, 3, 4)]
        if not all(dimensions):
            raise RowError(f"compartments: {part!r} has a dimension of 0.")
        height, width, depth = (int(d) if d.is_integer() else d for d in dimensions)
        size = part.split(":", 1)[0].strip()
        compartments.append({"size": size, "height": height, "width": width, "depth": depth})
    return compartments


def _own_fields(row: dict[str, str]) -> dict[str, Any]:
    kind = row.get("kind", "").lower()
    if kind not in DropOffKind.values:
        raise RowError(f"kind must be one of {', '.join(DropOffKind.values)}, not {kind!r}.")
    if not row.get("name"):
        raise RowError("the point has no name.")
    opening_hours, open_24_7 = hours_parse(value=row.get("hours", ""))
    fields: dict[str, Any] = {
        "kind": kind,
        "name": row["name"],
        "address_line1": _first(row, "address", "address_line1"),
        "address_line2": _first(row, "address2", "address_line2"),
        "postcode": row.get("postcode", ""),
        "city": row.get("city", ""),
        "country": (row.get("country") or "FR").upper(),
        **_coordinates(row),
        "opening_hours": opening_hours,
        "open_24_7": open_24_7,
        "closures": closures_parse(value=row.get("closures", "")),
        "wheelchair_accessible": _bool(row.get("wheelchair_accessible", ""), "wheelchair_accessible"),
        "max_weight_kg": _int(row.get("max_weight_kg", ""), "max_weight_kg"),
        "max_dimensions_cm": _int(row.get("max_dimensions_cm", ""), "max_dimensions_cm"),
        "accepts_returns": _bool(row.get("accepts_returns", ""), "accepts_returns", default=True),
        "label_printing": _bool(row.get("label_printing", ""), "label_printing"),
    }
    if "compartments" in row:
        fields["compartments"] = compartments_parse(value=row["compartments"])
    return fields


def own_csv_read(*, text: str, carrier: str = "") -> Iterator[PointRow]:
    """Points of our own CSV (see the module docstring); `carrier` fills an empty carrier column and rejects rows
    of any other carrier, so that a file meant for one carrier cannot close another's points."""
    for line, row in _rows(text=text):
        row_carrier = row.get("carrier", "") or carrier
        point = PointRow(line=line, carrier=row_carrier, carrier_point_id=row.get("carrier_point_id", ""))
        try:
            if not row_carrier:
                raise RowError("no carrier (fill the carrier column or pass --carrier).")
            if carrier and row_carrier != carrier:
                raise RowError(f"carrier {row_carrier!r} is not {carrier!r}.")
            if not point.carrier_point_id:
                raise RowError("no carrier_point_id.")
            point.fields = _own_fields(row)
        except RowError as exc:
            point.error = str(exc)
        yield point


def points_read(*, text: str, fmt: str, carrier: str = "") -> Iterator[PointRow]:
    if fmt == "laposte":
        return laposte_read(text=text, carrier=carrier or LA_POSTE)
    return own_csv_read(text=text, carrier=carrier)
