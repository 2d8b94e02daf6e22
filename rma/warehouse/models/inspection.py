"""What is found in a returned unit: its inspection, photos and disposition."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rma.core.models import TimeStampedModel
from rma.warehouse.choices import Derogation, DispositionKind, UnitCondition
from rma.warehouse.models.grading import DispositionRule, Grade

__all__ = ["Inspection", "inspection_photo_path", "InspectionPhoto", "Disposition"]


class Inspection(TimeStampedModel):
    """What an operator found for one unit of a return line."""

    return_line = models.ForeignKey(
        "returns.ReturnLine", on_delete=models.CASCADE, related_name="inspections", verbose_name=_("return line")
    )
    unit_index = models.PositiveSmallIntegerField(_("unit"))
    condition = models.CharField(
        _("condition"), max_length=16, choices=UnitCondition.choices, default=UnitCondition.RECEIVED
    )
    grade = models.ForeignKey(
        Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name=_("grade")
    )
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    serial_number = models.CharField(_("serial number"), max_length=64, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    inspected_at = models.DateTimeField(_("inspected at"))

    class Meta:
        ordering = ("return_line_id", "unit_index")
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.UniqueConstraint(fields=("return_line", "unit_index"), name="%(app_label)s_%(class)s_one_per_unit"),
            models.CheckConstraint(
                condition=~models.Q(condition="received") | models.Q(grade__isnull=False),
                name="%(app_label)s_%(class)s_received_has_grade",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.return_line_id}#{self.unit_index + 1}"


def inspection_photo_path(instance: "InspectionPhoto", filename: str) -> str:
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(instance.content_type, "bin")
    return f"warehouse/inspections/{instance.inspection_id}/{secrets.token_hex(8)}.{extension}"


class InspectionPhoto(TimeStampedModel):
    """A picture taken at inspection (checked to be a real image)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("inspection")
    )
    image = models.FileField(_("image"), upload_to=inspection_photo_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=32)

    class Meta:
        ordering = ("inspection_id", "id")
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self) -> str:
        return self.image.name


class Disposition(TimeStampedModel):
    """What happens to an inspected unit: the rule's suggestion and what the operator confirmed."""

    inspection = models.OneToOneField(
        Inspection, on_delete=models.CASCADE, related_name="disposition", verbose_name=_("inspection")
    )
    kind = models.CharField(_("disposition"), max_length=20, choices=DispositionKind.choices)
    suggested_kind = models.CharField(_("suggested"), max_length=20, choices=DispositionKind.choices, blank=True)
    rule = models.ForeignKey(
        DispositionRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dispositions",
        verbose_name=_("rule that suggested it"),
    )
    overridden = models.BooleanField(_("overridden"), default=False)
    override_reason = models.TextField(_("why the suggestion was overridden"), blank=True, max_length=1000)
    derogation = models.CharField(
        _("legal derogation"), max_length=24, choices=Derogation.choices, blank=True, db_index=True
    )
    derogation_note = models.TextField(_("derogation details"), blank=True, max_length=1000)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), db_index=True)

    class Meta:
        ordering = ("-confirmed_at", "-id")
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="destroy") | ~models.Q(derogation=""),
                name="%(app_label)s_%(class)s_destroy_needs_derogation",
            ),
            models.CheckConstraint(
                condition=models.Q(overridden=False) | ~models.Q(override_reason=""),
                name="%(app_label)s_%(class)s_override_needs_reason",
            ),
        ]
        indexes = [
            # The destroyed units' report (rma.warehouse.selectors.destroyed_units) in its order: it reads the few
            # destroyed units, not every disposition.
            models.Index(
                fields=("confirmed_at", "id"),
                condition=models.Q(kind="destroy"),
                name="warehouse_destroyed_units",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection} → {self.kind}"
