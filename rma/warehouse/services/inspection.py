"""Inspection of each unit of a received return: condition, grade, checklist, serial number, photos."""

from collections.abc import Mapping, Sequence

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rma.core.exceptions import Conflict, DomainError, InvalidTransition
from rma.core.images import CheckedImage, image_check
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnLine, ReturnRequest
from rma.returns.services import return_request_transition
from rma.warehouse.choices import UnitCondition
from rma.warehouse.models import ChecklistItem, Disposition, Grade, Inspection, InspectionPhoto
from rma.warehouse.selectors.units import grade_scale_for
from rma.warehouse.services.common import Actor, actor_name, actor_or_none, return_request_lock

MAX_PHOTOS_PER_UNIT = 6


def inspection_photo_check(*, upload: UploadedFile) -> CheckedImage:
    """The upload decoded, capped and re-encoded without metadata (rma.core.images); refuses anything else."""
    try:
        return image_check(upload, name=upload.name or "", size=upload.size)
    except DomainError as error:
        # One code for every refused photo, as the inspection API has always answered.
        raise DomainError(error.message, code="invalid_photo", extra={"reason": error.code}) from None


def _ensure_inspectable(*, locked: ReturnRequest) -> None:
    if locked.status != ReturnStatus.RECEIVED:
        raise InvalidTransition(
            _("Return %(rma)s is “%(status)s”: its units can no longer be inspected.")
            % {"rma": locked.rma_number, "status": ReturnStatus(locked.status).label},
            code="not_inspectable",
            extra={"status": locked.status},
        )


def _checklist_clean(*, category: str, checklist: Mapping[str, object]) -> dict[str, bool]:
    items = {item.code for item in ChecklistItem.objects.filter(category=category, is_active=True)}
    unknown = sorted(set(checklist) - items)
    if unknown:
        raise DomainError(
            _("Unknown checklist items: %(codes)s.") % {"codes": ", ".join(unknown)},
            code="invalid_checklist",
            extra={"unknown": unknown},
        )
    if any(not isinstance(value, bool) for value in checklist.values()):
        raise DomainError(_("Checklist answers must be true or false."), code="invalid_checklist")
    # Items left out were not ticked.
    return {code: bool(checklist.get(code, False)) for code in sorted(items)}


def return_request_complete_if_inspected(*, locked: ReturnRequest, actor: Actor) -> bool:
    """Move a received return to "inspected" once every unit is inspected and every received unit has a
    confirmed disposition; returns whether it moved."""
    if locked.status != ReturnStatus.RECEIVED:
        return False
    lines = list(ReturnLine.objects.filter(return_request=locked).values_list("pk", "quantity"))
    units = sum(quantity for _pk, quantity in lines)
    inspections = Inspection.objects.filter(return_line__return_request=locked)
    if inspections.count() < units:
        return False
    if inspections.filter(condition=UnitCondition.RECEIVED, disposition__isnull=True).exists():
        return False
    return_request_transition(
        return_request=locked,
        to=ReturnStatus.INSPECTED,
        actor=actor,
        note=_("Every unit inspected (%(count)d).") % {"count": units},
    )
    return True


@transaction.atomic
def inspection_record(
    *,
    return_line: ReturnLine,
    unit_index: int,
    actor: Actor,
    condition: str = UnitCondition.RECEIVED,
    grade: Grade | None = None,
    checklist: Mapping[str, object] | None = None,
    notes: str = "",
    serial_number: str = "",
    photos: Sequence[UploadedFile] = (),
    regrade: bool = False,
) -> Inspection:
    """Record what was found for one unit. A unit is inspected once; `regrade` corrects it until its
    disposition is confirmed. Two operators on the same unit: the second is told who was first."""
    locked = return_request_lock(pk=return_line.return_request_id)
    line = ReturnLine.objects.select_related("order_line").get(pk=return_line.pk)
    inspection = (
        Inspection.objects.select_related("inspected_by").filter(return_line=line, unit_index=unit_index).first()
    )
    if inspection is not None and not regrade:
        # Who was first matters more to the second operator than the return's new status.
        raise Conflict(
            _("Unit %(unit)d of %(sku)s was already inspected by %(who)s on %(when)s.")
            % {
                "unit": unit_index + 1,
                "sku": line.order_line.sku,
                "who": actor_name(inspection.inspected_by),
                "when": date_format(timezone.localtime(inspection.inspected_at), "DATETIME_FORMAT"),
            },
            code="unit_already_inspected",
        )
    _ensure_inspectable(locked=locked)
    if not 0 <= unit_index < line.quantity:
        raise DomainError(
            ngettext("This line has %(count)d unit.", "This line has %(count)d units.", line.quantity)
            % {"count": line.quantity},
            code="invalid_unit",
        )
    if condition not in UnitCondition.values:
        raise DomainError(_("Unknown condition."), code="invalid_condition")
    category = line.order_line.category
    serial_number = serial_number.strip()
    if condition == UnitCondition.RECEIVED:
        scale = grade_scale_for(category=category)
        if grade is None:
            raise DomainError(_("Choose a grade."), code="grade_required")
        if scale is None or grade.scale_id != scale.pk:
            raise DomainError(_("This grade is not on the scale of this product's category."), code="invalid_grade")
        if line.order_line.has_serial_number and not serial_number:
            raise DomainError(_("Scan or type the serial number of this unit."), code="serial_number_required")
        cleaned_checklist = _checklist_clean(category=category, checklist=checklist or {})
    else:
        grade, cleaned_checklist = None, {}
    if len(photos) > MAX_PHOTOS_PER_UNIT:
        raise DomainError(
            _("At most %(count)d photos per unit.") % {"count": MAX_PHOTOS_PER_UNIT}, code="too_many_photos"
        )
    checked = [inspection_photo_check(upload=photo) for photo in photos]

    now = timezone.now()
    values = {
        "condition": condition,
        "grade": grade,
        "checklist": cleaned_checklist,
        "notes": notes.strip(),
        "serial_number": serial_number,
        "inspected_by": actor_or_none(actor),
        "inspected_at": now,
    }
    if inspection is not None:
        if Disposition.objects.filter(inspection=inspection).exists():
            raise Conflict(
                _("The disposition of this unit is confirmed: it can no longer be regraded."),
                code="disposition_confirmed",
            )
        for name, value in values.items():
            setattr(inspection, name, value)
        inspection.save(update_fields=[*values, "updated_at"])
    else:
        inspection = Inspection.objects.create(return_line=line, unit_index=unit_index, **values)
    for image in checked:
        photo = InspectionPhoto(inspection=inspection, content_type=image.content_type)
        photo.image.save(f"photo.{image.extension}", ContentFile(image.content), save=False)
        photo.save()
    if condition != UnitCondition.RECEIVED:
        return_request_complete_if_inspected(locked=locked, actor=actor)
    return inspection
