"""Postcode places from La Poste's « Base officielle des codes postaux » (laposte_hexasmal).

The dataset (data.gouv.fr, « Base officielle des codes postaux », published by La Poste under the Licence Ouverte
2.0; also on La Poste's Datanova portal as `laposte-hexasmal`) is a `;`-separated file, one row per (commune,
postcode) pair, with a header row. Its published shapes:

- the Datanova export used for years (file `laposte_hexasmal.csv`, UTF-8):
  `Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps`,
  `coordonnees_gps` being the commune's centroid as "lat, lon" (e.g. "48.0520003827, 3.93246550297"), empty for
  a few communes;
- the Datanova data-fair API's fields: `code_commune_insee`, `nom_de_la_commune`, `code_postal`,
  `libelle_d_acheminement`, `ligne_5`, the centroid as `_geopoint` "lat,lon"; and exports that give it as separate
  `latitude` and `longitude` columns (read too, though no La Poste file of that shape was checked here);
- the file on data.gouv.fr today (`019HexaSmal.csv`, ISO-8859-1):
  `#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5` — without coordinates, so it
  cannot place anything on its own: it is refused with a message saying so rather than imported half-empty, unless
  the places are given the centre of their addresses in the Base Adresse Nationale (`postcodes_import
  --centroids-from-addresses`, after `addresses_import` of the départements concerned): each (postcode, INSEE code)
  pair then gets the centre of that commune's addresses with that postcode, computed from the BAN's own
  coordinates (rma.locations.addresses.postcode_centroids); a pair with no imported address is refused.

Column names are matched without case, accents, a leading "#" or the "de_la"/"d_" variations, so each of these
shapes is read by the same code. `Ligne_5` names a locality inside the commune (a hamlet, a former commune);
when present it is the place's name, so that a customer who writes it is found.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction

from rma.locations.models import PostcodePlace


class PostcodeFileError(Exception):
    """The file cannot be read as a postcode file at all (nothing is imported)."""


def name_key(value: str) -> str:
    """A place name as La Poste writes it (upper case, no accents or punctuation, SAINT as ST), so that "Saint-Étienne"
    typed by a customer matches "ST ETIENNE" in the file."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    words = re.sub(r"[^A-Z0-9]+", " ", value.upper()).split()
    return " ".join({"SAINT": "ST", "SAINTE": "STE"}.get(word, word) for word in words)


def _column_key(header: str) -> str:
    return name_key(header.lstrip("\ufeff#")).replace(" ", "").replace("DELA", "").replace("LIBELLED", "LIBELLE")


# Our field -> the column keys (see _column_key) that may carry it, in order of preference.
COLUMNS: dict[str, tuple[str, ...]] = {
    "insee_code": ("CODECOMMUNEINSEE",),
    "commune": ("NOMCOMMUNE",),
    "postcode": ("CODEPOSTAL",),
    "locality": ("LIGNE5",),
    "coordinates": ("COORDONNEESGPS", "GEOPOINT"),
    "latitude": ("LATITUDE",),
    "longitude": ("LONGITUDE",),
}


@dataclass(frozen=True)
class Place:
    postcode: str
    insee_code: str
    name: str
    commune: str
    latitude: float
    longitude: float


@dataclass
class PostcodeImportReport:
    rows: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def _decode(data: bytes) -> str:
    """UTF-8 for the old export, ISO-8859-1 for the file on data.gouv.fr today."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


Centroids = dict[tuple[str, str], tuple[float, float]]


def _columns(header: list[str], *, centroids: Centroids | None = None) -> dict[str, int]:
    keys = [_column_key(name) for name in header]
    found = {}
    for ours, candidates in COLUMNS.items():
        for candidate in candidates:
            if candidate in keys:
                found[ours] = keys.index(candidate)
                break
    missing = [ours for ours in ("insee_code", "commune", "postcode") if ours not in found]
    if missing:
        raise PostcodeFileError(f"Not a La Poste postcode file: no column for {', '.join(missing)} in {header!r}.")
    if "coordinates" not in found and not ("latitude" in found and "longitude" in found) and centroids is None:
        raise PostcodeFileError(
            "This postcode file has no coordinates (neither coordonnees_gps nor latitude and longitude columns): "
            "it cannot place a postcode. Use an export that carries them, or import the Base Adresse Nationale "
            "(addresses_import) and use --centroids-from-addresses."
        )
    return found


def _coordinates(
    row: list[str], columns: dict[str, int], *, key: tuple[str, str], centroids: Centroids | None
) -> tuple[float, float]:
    if "coordinates" not in columns and not ("latitude" in columns and "longitude" in columns):
        if centroids is None or key not in centroids:
            raise ValueError(f"no address of postcode {key[0]} in commune {key[1]} was imported from the BAN")
        return centroids[key]
    if "latitude" in columns and "longitude" in columns:
        raw = (row[columns["latitude"]], row[columns["longitude"]])
    else:
        text = row[columns["coordinates"]].strip()
        if not text:
            raise ValueError("no coordinates")
        raw_pair = text.split(",")
        if len(raw_pair) != 2:
            raise ValueError(f"coordinates {row[columns['coordinates']]!r} are not « lat, lon »")
        raw = (raw_pair[0], raw_pair[1])
    if not all(part.strip() for part in raw):
        raise ValueError("no coordinates")
    latitude, longitude = (float(part.strip()) for part in raw)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"coordinates {latitude}, {longitude} are out of range")
    return latitude, longitude


def _place(row: list[str], columns: dict[str, int], *, centroids: Centroids | None = None) -> Place:
    if len(row) <= max(columns.values()):
        raise ValueError(f"{len(row)} columns where {max(columns.values()) + 1} are expected")

    def cell(ours: str) -> str:
        return row[columns[ours]].strip() if ours in columns else ""

    postcode, insee_code, commune = cell("postcode"), cell("insee_code").upper(), cell("commune")
    # Spreadsheets drop the leading zero of "01400" and of INSEE codes like "01001".
    postcode, insee_code = postcode.zfill(5), insee_code.zfill(5)
    if not re.fullmatch(r"\d{5}", postcode):
        raise ValueError(f"postcode {postcode!r} is not 5 digits")
    if not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", insee_code):
        raise ValueError(f"INSEE code {insee_code!r} is not a commune code")
    if not commune:
        raise ValueError("no commune name")
    latitude, longitude = _coordinates(row, columns, key=(postcode, insee_code), centroids=centroids)
    return Place(postcode, insee_code, cell("locality") or commune, commune, latitude, longitude)


def postcode_places_read(*, data: bytes, centroids: Centroids | None = None) -> Iterator[tuple[int, Place | str]]:
    """Each data row as (line number, Place) or (line number, why it is refused); `centroids` places the rows of
    a file without coordinates (see the module docstring)."""
    reader = csv.reader(io.StringIO(_decode(data)), delimiter=";")
    header = next(reader, None)
    if not header:
        raise PostcodeFileError("The file is empty.")
    columns = _columns(header, centroids=centroids)
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        try:
            yield reader.line_num, _place(row, columns, centroids=centroids)
        except ValueError as exc:
            yield reader.line_num, str(exc)


def postcode_places_import(
    *,
    data: bytes,
    country: str = "FR",
    progress: Callable[[PostcodeImportReport], None] | None = None,
    centroids: Centroids | None = None,
) -> PostcodeImportReport:
    """Create the file's places and update the ones whose coordinates or commune changed, in one transaction;
    importing the same file again changes nothing. Places missing from the file are kept: the file is a
    reference, and a shorter or partial file should not take places away from the search."""
    report = PostcodeImportReport()
    places: dict[tuple[str, str, str], Place] = {}
    for line, outcome in postcode_places_read(data=data, centroids=centroids):
        report.rows += 1
        if isinstance(outcome, str):
            report.problems.append((line, outcome))
        else:
            places[(outcome.postcode, outcome.insee_code, outcome.name)] = outcome
        if progress and report.rows % 5000 == 0:
            progress(report)
    existing = {(p.postcode, p.insee_code, p.name): p for p in PostcodePlace.objects.filter(country=country)}
    to_create, to_update = [], []
    for key, place in places.items():
        current = existing.get(key)
        if current is None:
            to_create.append(PostcodePlace(country=country, **place.__dict__))
        elif (current.commune, current.latitude, current.longitude) != (
            place.commune,
            place.latitude,
            place.longitude,
        ):
            current.commune, current.latitude, current.longitude = place.commune, place.latitude, place.longitude
            to_update.append(current)
    with transaction.atomic():
        PostcodePlace.objects.bulk_create(to_create, batch_size=2000)
        PostcodePlace.objects.bulk_update(to_update, ("commune", "latitude", "longitude"), batch_size=2000)
    report.created, report.changed = len(to_create), len(to_update)
    report.unchanged = len(places) - report.created - report.changed
    if progress:
        progress(report)
    return report
