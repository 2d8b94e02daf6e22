"""The drop-off point directory fed from the carriers' point-search APIs, and the daily refresh of every source.

A carrier's API answers "the points around this postcode", never "all your points", so a directory is built by
sweeping a list of postcodes: each postcode's points are read (PointSearch.points_search), the same point met
around several postcodes is kept once (by its carrier point id), and the whole sweep goes through the directory's
one door, rma.locations.directory.drop_off_points_sync, like a file. A sweep may miss points (a postcode left
out of the list, a carrier answering only its nearest 30), so it closes the carrier's points it did not see only
when asked (`complete`), and never after a postcode failed: a carrier outage must not close its network.

The points are filed under the carrier's code (DropOffPoint.carrier = "mondial_relay"…), which is how a return
dropped at a point is matched with an account of that carrier.
"""

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rma.locations.choices import DropOffKind
from rma.locations.directory import SyncReport, drop_off_points_sync
from rma.locations.models import PostcodePlace
from rma.locations.point_files import FORMATS, PointRow, points_read, text_decode
from rma.shipping.carriers import CarrierError, CarrierPoint, PointSearch
from rma.shipping.services.accounts import carrier_for_code

logger = logging.getLogger(__name__)

POINTS_PER_POSTCODE = 50


class PointSourceError(ValueError):
    """A source of points that cannot be used as given (unknown carrier, no point search, bad settings entry)."""


@dataclass
class ApiSyncReport(SyncReport):
    """A SyncReport plus what the sweep itself met: postcodes asked, points read, postcodes that failed."""

    postcodes: int = 0
    points_read: int = 0
    failed_postcodes: list[tuple[str, str]] = field(default_factory=list)
    where: dict[int, str] = field(default_factory=dict)  # row number → "postcode 75011, point 012345"


def postcodes_parse(*, value: str) -> list[str]:
    """`--postcodes`: a file (one postcode a line, or separated by commas/semicolons; `#` starts a comment) or a
    list "75011,69001"; spaces inside a postcode are dropped and each postcode is asked once."""
    path = Path(value)
    text = text_decode(data=path.read_bytes()) if path.is_file() else value
    found: list[str] = []
    for line in text.splitlines():
        for part in line.split("#", 1)[0].replace(";", ",").split(","):
            postcode = part.replace(" ", "").strip()
            if postcode and postcode not in found:
                found.append(postcode)
    return found


def _postcode_town(*, postcode: str, country: str) -> str:
    """The town of a postcode in the official postcode file (`postcodes_import`), for carriers whose search wants
    one beside the postcode (Colissimo refuses a postcode alone); empty when the file was not imported."""
    place = PostcodePlace.objects.filter(country=country, postcode=postcode).order_by("name").first()
    return place.commune if place is not None else ""


def carrier_point_row(*, carrier: str, point: CarrierPoint, line: int) -> PointRow:
    """A carrier's point as the directory's row (the same fields a file fills)."""
    row = PointRow(line=line, carrier=carrier, carrier_point_id=point.carrier_point_id.strip())
    if not row.carrier_point_id:
        row.error = "the carrier gave a point without an id."
    elif point.kind not in DropOffKind.values:
        row.error = f"kind {point.kind!r} is not one of {', '.join(DropOffKind.values)}."
    elif not (-90 <= point.latitude <= 90 and -180 <= point.longitude <= 180):
        row.error = f"coordinates {point.latitude}, {point.longitude} are out of range."
    row.fields = {
        "kind": point.kind,
        "name": point.name.strip()[:200],
        "address_line1": point.address_line1.strip(),
        "address_line2": point.address_line2.strip(),
        "postcode": point.postcode.strip(),
        "city": point.city.strip(),
        "country": (point.country or "FR").upper(),
        "latitude": point.latitude,
        "longitude": point.longitude,
        # JSON as the model stores it: dicts and lists, whatever mappings and tuples the adapter used.
        "opening_hours": {day: [list(slot) for slot in slots] for day, slots in point.opening_hours.items()},
        "closures": [dict(closure) for closure in point.closures],
        "open_24_7": point.open_24_7,
        "wheelchair_accessible": point.wheelchair_accessible,
        "max_weight_kg": point.max_weight_kg,
        "max_dimensions_cm": point.max_dimensions_cm,
        "compartments": [dict(compartment) for compartment in point.compartments],
        "accepts_returns": point.accepts_returns,
        "label_printing": point.label_printing,
    }
    return row


def _carrier_points(
    *, code: str, search: PointSearch, postcodes: Iterable[str], country: str, per_postcode: int, report: ApiSyncReport
) -> Iterator[PointRow]:
    seen: set[str] = set()
    for postcode in postcodes:
        report.postcodes += 1
        try:
            points = search.points_search(
                country=country,
                postcode=postcode,
                city=_postcode_town(postcode=postcode, country=country),
                limit=per_postcode,
            )
        except CarrierError as exc:  # an outage or a refusal: this postcode is missed, the sweep is incomplete
            logger.warning("points of %s around %s %s not read: %s", code, country, postcode, exc)
            report.failed_postcodes.append((postcode, str(exc) or type(exc).__name__))
            continue
        for point in points:
            report.points_read += 1
            if point.carrier_point_id in seen:
                continue
            seen.add(point.carrier_point_id)
            line = len(seen)
            report.where[line] = f"postcode {postcode}, point {point.carrier_point_id}"
            yield carrier_point_row(carrier=code, point=point, line=line)


def drop_off_points_sync_from_carrier(
    *,
    code: str,
    postcodes: Iterable[str],
    country: str = "FR",
    complete: bool = False,
    per_postcode: int = POINTS_PER_POSTCODE,
    on_progress: Callable[[SyncReport], None] | None = None,
) -> ApiSyncReport:
    """Sweep `postcodes` with the carrier's point search and apply what it lists (see the module docstring)."""
    carrier = carrier_for_code(code=code)
    if not isinstance(carrier, PointSearch):
        raise PointSourceError(f"carrier {code!r} has no point search.")
    report = ApiSyncReport()
    postcodes = list(postcodes)
    rows = list(
        _carrier_points(
            code=code, search=carrier, postcodes=postcodes, country=country, per_postcode=per_postcode, report=report
        )
    )
    applied = drop_off_points_sync(
        rows=rows,
        carriers=[code],
        complete=complete and not report.failed_postcodes,
        on_progress=on_progress,
    )
    for name in ("new", "changed", "closed", "unchanged", "rejected", "problems"):
        setattr(report, name, getattr(applied, name))
    return report


def _file_source(source: Mapping[str, Any]) -> SyncReport:
    fmt, path = source.get("format"), source.get("path")
    if fmt not in FORMATS or not isinstance(path, str) or not path:
        raise PointSourceError(f"a file source needs a format ({', '.join(FORMATS)}) and a path: {dict(source)!r}")
    try:
        text = text_decode(data=Path(path).read_bytes())
    except OSError as exc:
        raise PointSourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return drop_off_points_sync(
        rows=points_read(text=text, fmt=fmt, carrier=str(source.get("carrier", ""))),
        complete=bool(source.get("complete", True)),
    )


def _api_source(source: Mapping[str, Any]) -> SyncReport:
    code, postcodes = source.get("api"), source.get("postcodes")
    if not isinstance(code, str) or not code or not postcodes:
        raise PointSourceError(f"an API source needs a carrier code and postcodes: {dict(source)!r}")
    if isinstance(postcodes, str):
        postcodes = postcodes_parse(value=postcodes)
    return drop_off_points_sync_from_carrier(
        code=code,
        postcodes=[str(postcode) for postcode in postcodes],
        country=str(source.get("country", "FR")),
        complete=bool(source.get("complete", False)),
    )


def drop_off_points_refresh(*, sources: Iterable[Mapping[str, Any]]) -> list[tuple[str, SyncReport | str]]:
    """Refresh the directory from each source of RMA_POINT_SOURCES in turn; a source that fails (a file missing,
    a carrier down, a bad entry) is logged and the others still run. Returns (source, report or error) pairs."""
    outcomes: list[tuple[str, SyncReport | str]] = []
    for source in sources:
        name = f"api {source.get('api')}" if "api" in source else f"{source.get('format')} {source.get('path')}"
        try:
            report = _api_source(source) if "api" in source else _file_source(source)
        except (PointSourceError, CarrierError) as exc:
            logger.error("drop-off points from %s not refreshed: %s", name, exc)
            outcomes.append((name, str(exc)))
            continue
        logger.info(
            "drop-off points from %s: %s new, %s changed, %s closed, %s unchanged, %s rejected",
            name,
            report.new,
            report.changed,
            report.closed,
            report.unchanged,
            report.rejected,
        )
        outcomes.append((name, report))
    return outcomes
