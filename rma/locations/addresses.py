"""Addresses and where they are, from the Base Adresse Nationale (BAN), to place a customer on their own street.

The file: « Base Adresse Nationale », the national address register published by the French State (DINUM /
adresse.data.gouv.fr, Licence Ouverte 2.0), downloadable per département from
https://adresse.data.gouv.fr/data/ban/adresses/latest/csv/ as `adresses-XX.csv.gz` (or France entire as
`adresses-france.csv.gz`). Its format is documented in the schema « Schéma des données “Adresses” au format CSV »
(BaseAdresseNationale/adresse.data.gouv.fr, public/schemas/adresses-csv.md; page « Format .csv pour un usage
classique », https://adresse.data.gouv.fr/outils/telechargements/format-csv): `;`-separated, UTF-8, one row per
address, with this header (23 columns; the schema page lists the first 22, the files end with `cad_parcelles`):

    id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;
    nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;
    source_nom_voie;certification_commune;cad_parcelles

`id` is the address's interoperability key (`01002_w4ld4h_00006`), `numero` + `rep` the number and its repetition
index (`bis`, `a`…), `nom_voie` the street in accented lower/mixed case, `lon`/`lat` WGS-84 (`x`/`y` are Lambert
93, not used). Columns are found by name, so a file with more or fewer of the unused ones is read the same.

A customer's first address line ("12 bis, av. Jean-Jaurès") is matched on the postcode and the street's name
reduced to a key (upper case, no accents, no articles, street types spelled out: "AV" and "AVENUE" meet), then the
number: the address itself, else the nearest number on the same side of the street, else the middle of the street
(an address of it, not an average). Nothing found: None, and the caller falls back to the postcode.
"""

import csv
import gzip
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.db.models import Avg

from rma.locations.models import AddressPoint
from rma.locations.postcodes import name_key

BAN_HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;"
    "nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;"
    "source_nom_voie;certification_commune;cad_parcelles"
)
REQUIRED = ("id", "numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune", "lon", "lat")
BATCH = 5000

# Street types as people abbreviate them (La Poste's and everyday abbreviations) → the word the BAN writes.
_STREET_TYPES = {
    "R": "RUE",
    "AV": "AVENUE",
    "AVE": "AVENUE",
    "BD": "BOULEVARD",
    "BLD": "BOULEVARD",
    "BOUL": "BOULEVARD",
    "BVD": "BOULEVARD",
    "PL": "PLACE",
    "CH": "CHEMIN",
    "CHE": "CHEMIN",
    "CHEM": "CHEMIN",
    "RTE": "ROUTE",
    "IMP": "IMPASSE",
    "ALL": "ALLEE",
    "AL": "ALLEE",
    "QU": "QUAI",
    "FG": "FAUBOURG",
    "FBG": "FAUBOURG",
    "SQ": "SQUARE",
    "CRS": "COURS",
    "PAS": "PASSAGE",
    "PASS": "PASSAGE",
    "RES": "RESIDENCE",
    "LOT": "LOTISSEMENT",
    "HAM": "HAMEAU",
    "SEN": "SENTIER",
    "PROM": "PROMENADE",
    "ESP": "ESPLANADE",
    "MTE": "MONTEE",
    "RLE": "RUELLE",
}
_ARTICLES = {"DE", "DU", "DES", "LA", "LE", "LES", "L", "D", "ET", "A", "AU", "AUX"}
_SUFFIXES = {"B": "BIS", "T": "TER", "Q": "QUATER"}
_LINE_RE = re.compile(
    r"^\s*(?:(?P<number>\d{1,5})(?:\s*[-/]\s*\d{1,5})?\s*"
    r"(?P<suffix>bis|ter|quater|quinquies|[a-z](?![a-z]))?[\s,.]+)?(?P<street>.*)$",
    re.IGNORECASE,
)


class AddressFileError(Exception):
    """The file cannot be read as a BAN address file at all (nothing is imported)."""


def street_key(value: str) -> str:
    """A street's name reduced for matching: "Av. de la République" and "AVENUE REPUBLIQUE" give the same key."""
    words = name_key(value).split()
    if words:
        words[0] = _STREET_TYPES.get(words[0], words[0])
    return " ".join(word for word in words if word not in _ARTICLES)


def _suffix_key(value: str) -> str:
    key = name_key(value).replace(" ", "")
    return _SUFFIXES.get(key, key)


@dataclass
class AddressImportReport:
    rows: int = 0
    written: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def address_file_open(path: str) -> IO[str]:
    """The file as text: gzip (as published, `.csv.gz`) or plain CSV, UTF-8 with or without BOM."""
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    if gzipped:
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return io.TextIOWrapper(open(path, "rb"), encoding="utf-8-sig", newline="")  # noqa: SIM115 - the caller closes


def _address(row: list[str], columns: dict[str, int]) -> AddressPoint:
    if len(row) <= max(columns.values()):
        raise ValueError(f"{len(row)} columns where {max(columns.values()) + 1} are expected")

    def cell(name: str) -> str:
        return row[columns[name]].strip() if name in columns else ""

    ban_id, street, city = cell("id"), cell("nom_voie"), cell("nom_commune")
    postcode, insee_code = cell("code_postal").zfill(5), cell("code_insee").upper().zfill(5)
    if not ban_id:
        raise ValueError("no id")
    if not re.fullmatch(r"\d{5}", postcode):
        raise ValueError(f"postcode {cell('code_postal')!r} is not 5 digits")
    if not street or not city:
        raise ValueError("no street or no commune")
    number_text = cell("numero")
    if number_text and not number_text.isdigit():
        raise ValueError(f"number {number_text!r} is not a whole number")
    try:
        latitude, longitude = float(cell("lat")), float(cell("lon"))
    except ValueError:
        raise ValueError(f"coordinates {cell('lat')!r}, {cell('lon')!r} are not numbers") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"coordinates {latitude}, {longitude} are out of range")
    return AddressPoint(
        ban_id=ban_id[:64],
        postcode=postcode,
        insee_code=insee_code,
        street=street[:200],
        street_key=street_key(street)[:200],
        number=int(number_text) if number_text else None,
        suffix=cell("rep")[:16],
        city=city[:100],
        city_key=name_key(city)[:100],
        former_city_key=name_key(cell("nom_ancienne_commune"))[:100],
        latitude=latitude,
        longitude=longitude,
    )


def addresses_read(*, text: IO[str]) -> Iterator[tuple[int, AddressPoint | str]]:
    """Each data row as (line number, an unsaved AddressPoint) or (line number, why it is refused)."""
    reader = csv.reader(text, delimiter=";")
    header = next(reader, None)
    if not header:
        raise AddressFileError("The file is empty.")
    names = [name.strip().lstrip("\ufeff").lower() for name in header]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise AddressFileError(
            f"Not a Base Adresse Nationale file: no column {', '.join(missing)}. Its header is "
            f"{BAN_HEADER} (adresses-XX.csv from adresse.data.gouv.fr)."
        )
    columns = {name: names.index(name) for name in (*REQUIRED, "nom_ancienne_commune") if name in names}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        try:
            yield reader.line_num, _address(row, columns)
        except ValueError as exc:
            yield reader.line_num, str(exc)


def addresses_import(
    *, text: IO[str], progress: Callable[[AddressImportReport], None] | None = None
) -> AddressImportReport:
    """Write the file's addresses in one transaction, each keyed by its BAN id: a new one is added, a known one
    takes the file's values, so importing the same file twice changes nothing. Addresses the file no longer lists
    are kept (a département file says nothing about the others)."""
    report = AddressImportReport()
    fields = [f.name for f in AddressPoint._meta.concrete_fields if f.name not in ("id", "ban_id")]
    batch: dict[str, AddressPoint] = {}

    def flush() -> None:
        AddressPoint.objects.bulk_create(
            list(batch.values()), update_conflicts=True, unique_fields=["ban_id"], update_fields=fields
        )
        report.written += len(batch)
        batch.clear()
        if progress:
            progress(report)

    with transaction.atomic():
        for line, outcome in addresses_read(text=text):
            report.rows += 1
            if isinstance(outcome, str):
                report.problems.append((line, outcome))
                continue
            batch[outcome.ban_id] = outcome  # a file listing an id twice: its last row wins
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
    return report


def _nearest_number(candidates: list[AddressPoint], number: int, suffix: str) -> AddressPoint:
    numbered = [a for a in candidates if a.number is not None]
    exact = [a for a in numbered if a.number == number]
    if exact:
        return min(exact, key=lambda a: (_suffix_key(a.suffix) != suffix, a.suffix != "", a.ban_id))
    same_side = [a for a in numbered if a.number is not None and a.number % 2 == number % 2] or numbered
    if not same_side:
        return _middle(candidates)
    return min(same_side, key=lambda a: (abs((a.number or 0) - number), a.number, a.ban_id))


def _middle(candidates: list[AddressPoint]) -> AddressPoint:
    """The street's middle address by number (a "bis" counts with its number, once)."""
    plain = [a for a in candidates if not a.suffix] or candidates
    ordered = sorted(plain, key=lambda a: (a.number is None, a.number or 0, a.suffix, a.ban_id))
    return ordered[(len(ordered) - 1) // 2]


def address_coordinates(
    *, line1: str, postcode: str, city: str = "", country: str = "FR"
) -> tuple[float, float] | None:
    """Where a customer's address is, from the imported BAN addresses (see the module docstring), or None."""
    postcode = postcode.strip().replace(" ", "")
    match = _LINE_RE.match(line1 or "")
    if country.upper() != "FR" or not postcode or match is None:
        return None
    key = street_key(match.group("street"))
    if not key:
        return None
    candidates = list(AddressPoint.objects.filter(postcode=postcode, street_key=key))
    if len({a.city_key for a in candidates}) > 1:  # the same street name in two communes of one postcode
        wanted = name_key(city)
        candidates = [a for a in candidates if wanted and wanted in (a.city_key, a.former_city_key)]
    if not candidates:
        return None
    if match.group("number"):
        found = _nearest_number(candidates, int(match.group("number")), _suffix_key(match.group("suffix") or ""))
    else:
        found = _middle(candidates)
    return found.latitude, found.longitude


def postcode_centroids() -> dict[tuple[str, str], tuple[float, float]]:
    """The centre of the imported addresses of each (postcode, INSEE code): where a postcode file without
    coordinates puts each of its places (`postcodes_import --centroids-from-addresses`)."""
    rows = AddressPoint.objects.values("postcode", "insee_code").annotate(lat=Avg("latitude"), lon=Avg("longitude"))
    return {(row["postcode"], row["insee_code"]): (row["lat"], row["lon"]) for row in rows.order_by()}
