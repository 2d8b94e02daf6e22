"""Keeping the drop-off point directory in step with the carriers' lists (files read by rma.locations.point_files).

A point is known by (carrier, carrier_point_id): a row creates it or updates the fields its file carries, and a row
that changes nothing writes nothing, so running the same file twice is harmless. A point of the same carrier that a
complete file no longer lists is deactivated, never deleted: returns already sent there keep pointing at it, and it
comes back to life if a later file lists it again. A bad row is set aside with its line number; the others go on.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rma.locations.models import DropOffPoint
from rma.locations.point_files import PointRow

# Fields a file never sets: the shop link is made by hand in the admin.
_VALIDATION_EXCLUDE = ["store"]


@dataclass
class SyncReport:
    new: int = 0
    changed: int = 0
    closed: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.new + self.changed + self.unchanged + self.rejected


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(str(m) for m in error.messages)


def _point_apply(*, row: PointRow, existing: DropOffPoint | None, report: SyncReport) -> None:
    """Create or update one point from its row; a point that fails the model's checks is rejected, not saved."""
    changed: list[str] = []
    if existing is None:
        point = DropOffPoint(carrier=row.carrier, carrier_point_id=row.carrier_point_id, **row.fields)
    else:
        point = existing
        changed = [name for name, value in row.fields.items() if getattr(point, name) != value]
        if not point.is_active:
            changed.append("is_active")
        if not changed:
            report.unchanged += 1
            return
        for name in changed:
            setattr(point, name, row.fields.get(name, True))  # is_active is the one name not in the row
    try:
        point.full_clean(exclude=_VALIDATION_EXCLUDE, validate_unique=False, validate_constraints=False)
        with transaction.atomic():
            point.save(update_fields=[*changed, "updated_at"] if existing else None)
    except ValidationError as exc:
        problem = _message(exc)
    except IntegrityError:  # another run created it between our read and our write: the next run will see it
        problem = f"point {row.carrier_point_id} was written by another run at the same time."
    else:
        if existing is None:
            report.new += 1
        else:
            report.changed += 1
        return
    if existing is not None:
        existing.refresh_from_db()
    report.rejected += 1
    report.problems.append((row.line, problem))


def drop_off_points_sync(
    *,
    rows: Iterable[PointRow],
    carriers: Iterable[str] = (),
    complete: bool = True,
    on_progress: Callable[[SyncReport], None] | None = None,
) -> SyncReport:
    """Apply `rows` to the directory; with `complete`, close the active points of `carriers` and of the carriers
    seen in the file that the file does not list. A rejected row still counts as listed: a typo in one row must
    not close a point that exists. A file with no usable row at all (wrong format, wrong header, empty) closes
    nothing: it says nothing about which points are gone."""
    report = SyncReport()
    known: dict[tuple[str, str], DropOffPoint] = {}
    loaded: set[str] = set()
    listed: dict[tuple[str, str], int] = {}

    def load(carrier: str) -> None:
        if carrier and carrier not in loaded:
            known.update({(p.carrier, p.carrier_point_id): p for p in DropOffPoint.objects.filter(carrier=carrier)})
            loaded.add(carrier)

    for carrier in carriers:
        load(carrier)
    for row in rows:
        load(row.carrier)
        key = (row.carrier, row.carrier_point_id)
        if row.carrier_point_id and key in listed:
            row.error = row.error or f"point {row.carrier_point_id} is already on line {listed[key]}."
        elif row.carrier_point_id:
            listed[key] = row.line
        if row.error:
            report.rejected += 1
            report.problems.append((row.line, row.error))
        else:
            _point_apply(row=row, existing=known.get(key), report=report)
        if on_progress is not None:
            on_progress(report)
    if complete and report.read > report.rejected:
        gone = [point.pk for key, point in known.items() if key not in listed and point.is_active]
        if gone:
            report.closed = DropOffPoint.objects.filter(pk__in=gone).update(is_active=False, updated_at=timezone.now())
    return report
