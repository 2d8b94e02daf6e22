"""Grading reference data: scales and grades per category, checklists, disposition rules."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rma.core.models import TimeStampedModel
from rma.orders.choices import Category
from rma.warehouse.choices import DispositionKind

__all__ = ["GradeScale", "Grade", "ChecklistItem", "DispositionRule"]


class GradeScale(TimeStampedModel):
    """The grades an operator can give the units of one product category."""

    category = models.CharField(_("category"), max_length=32, choices=Category.choices, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ("category",)
        verbose_name = _("grade scale")
        verbose_name_plural = _("grade scales")

    def __str__(self) -> str:
        return self.name


class Grade(TimeStampedModel):
    """One grade of a scale: what it means for the operator, and how much of the value it keeps."""

    scale = models.ForeignKey(GradeScale, on_delete=models.CASCADE, related_name="grades", verbose_name=_("scale"))
    code = models.CharField(_("code"), max_length=8)
    label_fr = models.CharField(_("label (French)"), max_length=80)
    label_en = models.CharField(_("label (English)"), max_length=80)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    recovery_percent = models.PositiveSmallIntegerField(
        _("value recovery (%)"), default=100, validators=[MaxValueValidator(100)]
    )
    deducts = models.BooleanField(
        _("deduct from the refund"),
        default=False,
        help_text=_(
            "Refund only the recovered share of the price. Use it only for grades showing handling beyond what was "
            "needed to try the item (EU withdrawal right): never for unopened or like-new grades."
        ),
    )
    signals_wear = models.BooleanField(
        _("shows wear or use"),
        default=False,
        help_text=_(
            "The unit was worn or used beyond trying it: counted in the customer's history (kept and sent back, "
            "wardrobing) and in their risk score."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        ordering = ("scale_id", "position", "code")
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.UniqueConstraint(fields=("scale", "code"), name="%(app_label)s_%(class)s_unique_code"),
            models.CheckConstraint(
                condition=models.Q(recovery_percent__lte=100), name="%(app_label)s_%(class)s_recovery_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"

    @property
    def label(self) -> str:
        return self.label_fr if _is_french() else self.label_en

    @property
    def description(self) -> str:
        return self.description_fr if _is_french() else self.description_en


class ChecklistItem(TimeStampedModel):
    """One thing to check on every unit of a category (tags present, powers on…)."""

    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    code = models.SlugField(_("code"), max_length=40)
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("category", "position", "code")
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=("category", "code"), name="%(app_label)s_%(class)s_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.code}"

    @property
    def label(self) -> str:
        return self.label_fr if _is_french() else self.label_en


class DispositionRule(TimeStampedModel):
    """Suggests what to do with a unit; rules are tried by position and the first match wins. Blank = any."""

    position = models.PositiveIntegerField(_("position"), default=100)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, blank=True)
    grade_code = models.CharField(_("grade code"), max_length=8, blank=True)
    reason = models.ForeignKey(
        "returns.ReasonCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason"),
    )
    min_age_days = models.PositiveIntegerField(
        _("from age (days)"), null=True, blank=True, help_text=_("Age is counted from the order's delivery.")
    )
    max_age_days = models.PositiveIntegerField(_("up to age (days)"), null=True, blank=True)
    disposition = models.CharField(_("disposition"), max_length=20, choices=DispositionKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ("position", "id")
        verbose_name = _("disposition rule")
        verbose_name_plural = _("disposition rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age_days__isnull=True)
                | models.Q(max_age_days__isnull=True)
                | models.Q(min_age_days__lte=models.F("max_age_days")),
                name="%(app_label)s_%(class)s_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        scope = "/".join(
            [
                self.category or "*",
                self.grade_code or "*",
                self.reason.code if self.reason is not None else "*",
                f"{self.min_age_days if self.min_age_days is not None else ''}-"
                f"{self.max_age_days if self.max_age_days is not None else ''}",
            ]
        )
        return f"#{self.position} {scope} → {self.disposition}"


def _is_french() -> bool:
    return (translation.get_language() or "fr").startswith("fr")
