"""What arrives at a warehouse and what is found in it."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from rma.core.models import PublicIdModel, TimeStampedModel
from rma.orders.choices import Category
from rma.warehouse.choices import (
    Derogation,
    DiscrepancyKind,
    DispositionKind,
    RefundMethod,
    RefundStatus,
    UnexpectedReason,
    UnitCondition,
)


class Arrival(TimeStampedModel):
    """A scan at a warehouse's dock: what code, by whom, and what it matched."""

    warehouse = models.ForeignKey(
        "locations.Warehouse", on_delete=models.PROTECT, related_name="arrivals", verbose_name=_("warehouse")
    )
    scanned_code = models.CharField(_("scanned code"), max_length=64, db_index=True)
    return_request = models.OneToOneField(
        "returns.ReturnRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrival",
        verbose_name=_("return"),
    )
    # A return received while counting a shop's carton: which shipment and carton it came in.
    shipment = models.ForeignKey(
        "shipping.Shipment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warehouse_arrivals",
        verbose_name=_("shipment"),
    )
    carton = models.ForeignKey(
        "shipping.Carton",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warehouse_arrivals",
        verbose_name=_("carton"),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")

    def __str__(self) -> str:
        return self.scanned_code


class UnexpectedParcel(TimeStampedModel):
    """A parcel whose code matched nothing we expect here; kept until someone matches it to a return."""

    warehouse = models.ForeignKey(
        "locations.Warehouse", on_delete=models.PROTECT, related_name="unexpected_parcels", verbose_name=_("warehouse")
    )
    scanned_code = models.CharField(_("scanned code"), max_length=64, db_index=True)
    reason = models.CharField(
        _("why it is unexpected"),
        max_length=16,
        choices=UnexpectedReason.choices,
        default=UnexpectedReason.UNKNOWN_CODE,
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    matched_return = models.ForeignKey(
        "returns.ReturnRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unexpected_parcels",
        verbose_name=_("matched return"),
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("unexpected parcel")
        verbose_name_plural = _("unexpected parcels")
        constraints = [
            # Scanning the same unknown parcel twice finds the open record instead of making another.
            models.UniqueConstraint(
                fields=("warehouse", "scanned_code"),
                condition=models.Q(matched_return__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_code",
            ),
        ]

    def __str__(self) -> str:
        return self.scanned_code


class CartonReceipt(TimeStampedModel):
    """A carton of a shop's shipment received at a warehouse, then counted against what the shop announced."""

    carton = models.OneToOneField(
        "shipping.Carton", on_delete=models.PROTECT, related_name="warehouse_receipt", verbose_name=_("carton")
    )
    shipment = models.ForeignKey(
        "shipping.Shipment", on_delete=models.PROTECT, related_name="carton_receipts", verbose_name=_("shipment")
    )
    warehouse = models.ForeignKey(
        "locations.Warehouse", on_delete=models.PROTECT, related_name="carton_receipts", verbose_name=_("warehouse")
    )
    scanned_code = models.CharField(_("scanned code"), max_length=64, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"))
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)

    class Meta:
        ordering = ("-received_at", "-id")
        verbose_name = _("carton receipt")
        verbose_name_plural = _("carton receipts")

    def __str__(self) -> str:
        return str(self.carton)


class CountedItem(TimeStampedModel):
    """One count in a received carton: a return (scanned by its label) or units of a SKU."""

    receipt = models.ForeignKey(
        CartonReceipt, on_delete=models.CASCADE, related_name="counted_items", verbose_name=_("carton receipt")
    )
    return_request = models.ForeignKey(
        "returns.ReturnRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("return"),
    )
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    damaged = models.BooleanField(_("damaged"), default=False)
    scanned_code = models.CharField(_("scanned code"), max_length=200, blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("receipt_id", "created_at", "id")
        verbose_name = _("counted item")
        verbose_name_plural = _("counted items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
            models.CheckConstraint(
                condition=(models.Q(return_request__isnull=False, sku=""))
                | (models.Q(return_request__isnull=True) & ~models.Q(sku="")),
                name="%(app_label)s_%(class)s_return_or_sku",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku or self.return_request_id} × {self.quantity}"


class Discrepancy(TimeStampedModel):
    """A difference between what a shop announced in a shipment and what the warehouse found in it."""

    shipment = models.ForeignKey(
        "shipping.Shipment", on_delete=models.PROTECT, related_name="discrepancies", verbose_name=_("shipment")
    )
    carton = models.ForeignKey(
        "shipping.Carton",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discrepancies",
        verbose_name=_("carton"),
    )
    warehouse = models.ForeignKey(
        "locations.Warehouse", on_delete=models.PROTECT, related_name="discrepancies", verbose_name=_("warehouse")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DiscrepancyKind.choices)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    expected_sku = models.CharField(
        _("announced SKU"), max_length=64, blank=True, help_text=_("For a wrong item: the SKU that was announced.")
    )
    rma_number = models.CharField(_("RMA number"), max_length=20, blank=True)
    announced_carton = models.CharField(
        _("announced in carton"),
        max_length=64,
        blank=True,
        help_text=_("For a return found in another carton: the carton it was announced in."),
    )
    expected_quantity = models.PositiveIntegerField(_("announced quantity"), default=0)
    found_quantity = models.PositiveIntegerField(_("found quantity"), default=0)
    quantity = models.PositiveIntegerField(_("units concerned"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DiscrepancyKind.values), name="%(app_label)s_%(class)s_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=("warehouse", "created_at"), name="warehouse_discr_wh_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.sku or self.rma_number or self.carton_id}"

    @property
    def description(self) -> str:
        """What was found, in words, in the active language."""
        values = {
            "expected": self.expected_quantity,
            "found": self.found_quantity,
            "sku": self.sku,
            "expected_sku": self.expected_sku,
            "carton": self.announced_carton,
        }
        if self.kind == DiscrepancyKind.MISSING:
            if self.rma_number:
                return gettext("Return announced in this carton, found in no carton.")
            if self.sku:
                return gettext("Announced %(expected)d, found %(found)d.") % values
            return (
                ngettext(
                    "Carton not received (%(expected)d unit announced).",
                    "Carton not received (%(expected)d units announced).",
                    self.expected_quantity,
                )
                % values
            )
        if self.kind == DiscrepancyKind.EXTRA:
            if self.rma_number:
                return gettext("Return not announced in this shipment.")
            if self.expected_quantity:
                return gettext("Announced %(expected)d, found %(found)d.") % values
            return gettext("Not announced; %(found)d found.") % values
        if self.kind == DiscrepancyKind.WRONG_ITEM:
            if self.rma_number:
                return gettext("Return announced in carton %(carton)s.") % values
            return gettext("%(sku)s found instead of %(expected_sku)s.") % values
        return gettext("Found damaged.")


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
                self.reason.code if self.reason_id else "*",
                f"{self.min_age_days if self.min_age_days is not None else ''}-"
                f"{self.max_age_days if self.max_age_days is not None else ''}",
            ]
        )
        return f"#{self.position} {scope} → {self.disposition}"


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

    def __str__(self) -> str:
        return f"{self.inspection} → {self.kind}"


class Refund(PublicIdModel, TimeStampedModel):
    """The money released for a return: one per return, enforced by the database."""

    return_request = models.OneToOneField(
        "returns.ReturnRequest", on_delete=models.PROTECT, related_name="refund", verbose_name=_("return")
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    method = models.CharField(_("method"), max_length=20, choices=RefundMethod.choices)
    status = models.CharField(_("status"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.RELEASED)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    breakdown = models.JSONField(_("breakdown"), default=dict)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(_("released at"))

    class Meta:
        ordering = ("-released_at", "-id")
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="%(app_label)s_%(class)s_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class ExchangeRequest(PublicIdModel, TimeStampedModel):
    """What the shop must send in exchange for an inspected return (instead of a refund)."""

    return_request = models.OneToOneField(
        "returns.ReturnRequest", on_delete=models.PROTECT, related_name="exchange_request", verbose_name=_("return")
    )
    lines = models.JSONField(_("lines"), default=list, help_text=_('[{"sku", "quantity", "replaces_sku"}]'))
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))

    class Meta:
        ordering = ("-requested_at", "-id")
        verbose_name = _("exchange request")
        verbose_name_plural = _("exchange requests")

    def __str__(self) -> str:
        return str(self.return_request_id)


def _is_french() -> bool:
    return (translation.get_language() or "fr").startswith("fr")
