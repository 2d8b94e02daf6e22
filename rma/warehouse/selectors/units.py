"""The units of a return and the grading reference data used to inspect them."""

from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch

from rma.returns.models import ReturnLine, ReturnPhoto, ReturnRequest
from rma.returns.selectors import return_request_scope
from rma.warehouse.choices import UnitCondition
from rma.warehouse.models import (
    ChecklistItem,
    Disposition,
    DispositionRule,
    Grade,
    GradeScale,
    Inspection,
    InspectionPhoto,
)

__all__ = [
    "grade_scale_for",
    "grades_for",
    "checklist_items_for",
    "disposition_rules_active",
    "Unit",
    "return_units",
    "unit_get",
    "inspection_photo_get",
]

# ---- grading reference data


def grade_scale_for(*, category: str) -> GradeScale | None:
    """The category's scale, or the "other" scale as a fallback."""
    scales = {s.category: s for s in GradeScale.objects.filter(category__in=(category, "other"))}
    return scales.get(category) or scales.get("other")


def grades_for(*, category: str) -> list[Grade]:
    scale = grade_scale_for(category=category)
    return list(scale.grades.all()) if scale is not None else []


def checklist_items_for(*, category: str) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(category=category, is_active=True))


def disposition_rules_active() -> list[DispositionRule]:
    return list(DispositionRule.objects.filter(is_active=True).select_related("reason").order_by("position", "id"))


# ---- units of a return


@dataclass
class Unit:
    """One physical unit of a return line, with what was found and decided."""

    line: ReturnLine
    index: int
    inspection: Inspection | None
    disposition: Disposition | None

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def needs_disposition(self) -> bool:
        return (
            self.inspection is not None
            and self.inspection.condition == UnitCondition.RECEIVED
            and self.disposition is None
        )

    @property
    def done(self) -> bool:
        return self.inspection is not None and not self.needs_disposition


def return_units(*, return_request: ReturnRequest) -> list[Unit]:
    """Every unit of every line, in order, with the customer's and the inspection's photos, in four queries."""
    lines = list(
        ReturnLine.objects.filter(return_request=return_request)
        .select_related("order_line__order", "reason")
        .prefetch_related(
            Prefetch("photos", queryset=ReturnPhoto.objects.order_by("id")),
            Prefetch(
                "inspections",
                queryset=Inspection.objects.select_related(
                    "grade", "inspected_by", "disposition", "disposition__confirmed_by", "disposition__rule"
                ).prefetch_related("photos"),
            ),
        )
        .order_by("id")
    )
    units = []
    for line in lines:
        line.return_request = return_request  # what links to the line's photos read, without a query
        found = {inspection.unit_index: inspection for inspection in line.inspections.all()}
        for index in range(line.quantity):
            inspection = found.get(index)
            disposition = getattr(inspection, "disposition", None) if inspection is not None else None
            units.append(Unit(line=line, index=index, inspection=inspection, disposition=disposition))
    return units


def unit_get(*, return_request: ReturnRequest, line_id: int, unit_index: int) -> Unit | None:
    """One unit of a return, or None when the line or the index does not exist."""
    line = (
        ReturnLine.objects.filter(return_request=return_request, pk=line_id)
        .select_related("order_line__order", "reason")
        .prefetch_related(Prefetch("photos", queryset=ReturnPhoto.objects.order_by("id")))
    ).first()
    if line is None or not 0 <= unit_index < line.quantity:
        return None
    line.return_request = return_request
    inspection = (
        Inspection.objects.filter(return_line=line, unit_index=unit_index)
        .select_related("grade", "inspected_by", "disposition", "disposition__confirmed_by")
        .prefetch_related("photos")
        .first()
    )
    if inspection is not None:
        inspection.return_line = line
    return Unit(
        line=line,
        index=unit_index,
        inspection=inspection,
        disposition=getattr(inspection, "disposition", None) if inspection is not None else None,
    )


def inspection_photo_get(*, user: User | AnonymousUser, public_id: UUID, photo_id: int) -> InspectionPhoto | None:
    """A photo taken at inspection of a return the user may see (its warehouse, its shop, agents), or None."""
    return (
        InspectionPhoto.objects.filter(
            pk=photo_id,
            inspection__return_line__return_request__public_id=public_id,
            inspection__return_line__return_request__in=return_request_scope(user=user),
        )
        .select_related("inspection")
        .first()
    )
