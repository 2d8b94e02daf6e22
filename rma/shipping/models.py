"""Labels issued by carriers, for returns (and shop-to-warehouse shipments)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from rma.core.formatting import choice_label
from rma.core.models import PublicIdModel, TimeStampedModel
from rma.shipping.carriers.base import TrackingStatus
from rma.shipping.choices import (
    EXPECTED_SHIPMENT_STATUSES,
    CounterCondition,
    LabelStatus,
    ShipmentItemKind,
    ShipmentStatus,
    TrackingAlert,
    TrackingSource,
)


class Label(PublicIdModel, TimeStampedModel):
    """A carrier label: tracking number, PDF and ZPL files."""

    return_request = models.OneToOneField(
        "returns.ReturnRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="label",
        verbose_name=_("return"),
    )
    carrier = models.CharField(_("carrier"), max_length=32, default="builtin")
    # The carrier account the label is made with (picked by the rules at approval); empty = the built-in carrier.
    account = models.ForeignKey(
        "shipping.CarrierAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="labels",
        verbose_name=_("carrier account"),
    )
    carrier_reference = models.CharField(
        _("carrier's reference"), max_length=100, blank=True, help_text=_("The carrier's own id of the parcel.")
    )
    status = models.CharField(_("status"), max_length=16, choices=LabelStatus.choices, default=LabelStatus.PENDING)
    tracking_number = models.CharField(_("tracking number"), max_length=40, null=True, blank=True, unique=True)
    qr_payload = models.CharField(_("QR payload"), max_length=200, blank=True)
    pdf = models.FileField(_("PDF (A6)"), upload_to="labels/pdf/", blank=True, max_length=200)
    pdf_4x6 = models.FileField(_("PDF (4×6 in)"), upload_to="labels/pdf/", blank=True, max_length=200)
    zpl = models.FileField(_("ZPL (4×6 in, 203 dpi)"), upload_to="labels/zpl/", blank=True, max_length=200)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # A refusal the customer can fix (rma.shipping.carriers.CarrierInputError): our code and the carrier's words
    # for the customer, shown on their tracking page with a form to correct the address.
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    customer_error = models.TextField(_("what the customer is told"), blank=True)
    # The sender's address as the customer corrected it; empty = the order's address.
    sender_address = models.JSONField(_("corrected sender address"), default=dict, blank=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    carrier_voided_at = models.DateTimeField(_("void confirmed by the carrier at"), null=True, blank=True)
    files_purged_at = models.DateTimeField(_("files deleted at"), null=True, blank=True)
    # Tracking (rma.shipping.services.tracking): the latest carrier event, when we last asked, and an agent's flag.
    tracking_status = models.CharField(
        _("latest tracking status"), max_length=24, choices=TrackingStatus.choices, blank=True
    )
    tracking_status_at = models.DateTimeField(_("latest tracking event at"), null=True, blank=True)
    tracking_checked_at = models.DateTimeField(_("tracking last polled at"), null=True, blank=True)
    tracking_alert = models.CharField(
        _("needs an agent because"), max_length=24, choices=TrackingAlert.choices, blank=True
    )
    tracking_alert_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    tracking_alert_detail = models.CharField(_("what the carrier said"), max_length=300, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=LabelStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=LabelStatus.READY) | models.Q(tracking_number__isnull=False),
                name="%(app_label)s_%(class)s_ready_has_tracking_number",
            ),
        ]
        # The beat sweepers look for stale pending labels and voided ones to purge.
        indexes = [
            models.Index(fields=("status", "updated_at"), name="shipping_label_status_updated"),
            # The tracking poll takes the labels asked least recently first; the agents' list, the flagged ones.
            models.Index(fields=("status", "tracking_checked_at"), name="shipping_label_tracking_due"),
            models.Index(
                fields=("tracking_alert_at",),
                condition=~models.Q(tracking_alert=""),
                name="shipping_label_tracking_alert",
            ),
            # The labels waiting to be made in a batch, oldest first (rma.shipping.services.label_batches): a few
            # hundred at most, where the whole table is every label ever made.
            models.Index(
                fields=("id",),
                condition=models.Q(status=LabelStatus.PENDING, attempts=0),
                name="shipping_label_waiting",
            ),
            # What the warehouse board reads of an expected return's label, whether the carrier delivered it here
            # (rma.warehouse.selectors.board_counts): read from the index alone, for each of the rows it counts.
            models.Index(
                fields=("return_request", "tracking_status", "tracking_alert"), name="shipping_label_delivery"
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number or f"label {self.pk}"


class TrackingEvent(models.Model):
    """One scan or status change a carrier reported for a label, stored once whatever the number of polls and
    webhook deliveries that carry it (unique on label, carrier code and time)."""

    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="tracking_events", verbose_name=_("label"))
    at = models.DateTimeField(_("at"))
    code = models.CharField(_("carrier's code"), max_length=64)
    description = models.CharField(_("carrier's description"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=TrackingStatus.choices)
    location = models.CharField(_("place"), max_length=200, blank=True)
    source = models.CharField(_("received by"), max_length=16, choices=TrackingSource.choices)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        ordering = ("label_id", "at", "id")
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        constraints = [
            models.UniqueConstraint(fields=("label", "code", "at"), name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=TrackingStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=TrackingSource.values), name="%(app_label)s_%(class)s_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label_id} {self.at:%Y-%m-%d %H:%M} {self.code}"


# ---- Shop-to-warehouse shipments and counter checks (store staff, issue 5)


def shipment_file_path(instance: "Shipment", filename: str) -> str:
    return f"shipments/{instance.public_id}/{filename}"


def carton_file_path(instance: "Carton", filename: str) -> str:
    return f"shipments/{instance.shipment.public_id}/{filename}"


class Shipment(PublicIdModel, TimeStampedModel):
    """Goods a shop sends back to a warehouse in cartons: open, closed, dispatched, then received."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    sequence = models.PositiveIntegerField(_("sequence in the shop"))
    store = models.ForeignKey(
        "locations.Store", on_delete=models.PROTECT, related_name="shipments", verbose_name=_("shop")
    )
    warehouse = models.ForeignKey(
        "locations.Warehouse", on_delete=models.PROTECT, related_name="inbound_shipments", verbose_name=_("warehouse")
    )
    status = models.CharField(
        _("status"), max_length=32, choices=ShipmentStatus.choices, default=ShipmentStatus.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    carrier = models.CharField(_("carrier"), max_length=32, default="builtin")
    pickup_reference = models.CharField(_("pickup reference"), max_length=64, blank=True)
    manifest_pdf = models.FileField(_("manifest (PDF)"), upload_to=shipment_file_path, blank=True, max_length=200)
    manifest_csv = models.FileField(_("manifest (CSV)"), upload_to=shipment_file_path, blank=True, max_length=200)
    documents_ready_at = models.DateTimeField(_("documents ready at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    findings = models.JSONField(
        _("warehouse findings"),
        default=list,
        blank=True,
        help_text=_('What the warehouse found on receipt: [{"carton", "kind", "sku", "rma_number", "note"}, ...].'),
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ShipmentStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.UniqueConstraint(fields=("store", "sequence"), name="%(app_label)s_%(class)s_unique_sequence"),
        ]
        indexes = [
            models.Index(fields=("store", "status"), name="shipping_shipment_store_status"),
            # A shop's shipments, newest first (its page and API list): a page reads its own rows.
            models.Index(fields=("store", "created_at", "id"), name="shipping_shipment_store_newest"),
            # The shops that ship to a warehouse (its discrepancy report's filter): one probe a shop.
            models.Index(fields=("store", "warehouse"), name="shipping_shipment_store_wh"),
            # The analytics' roll-ups (rma.insights): a day's shipments by dispatch, and those changed since a refresh.
            models.Index(fields=("dispatched_at",), name="shipping_shipment_dispatched"),
            models.Index(fields=("updated_at",), name="shipping_shipment_updated"),
            # A warehouse's expected shipments (announced or on their way), oldest move first, as its board and API
            # list them (rma.warehouse.selectors.shipments_expected): a page reads its own rows. The columns after
            # `id` leave the order as it is and let the board count them from the index alone: PostgreSQL reads an
            # expression's columns from an index only when they are in it themselves (without them it sorted every
            # shipment on its way rather than read the rows scattered over the table).
            models.Index(
                models.F("warehouse"),
                Coalesce("dispatched_at", "closed_at", "created_at"),
                models.F("id"),
                models.F("status"),
                models.F("dispatched_at"),
                models.F("closed_at"),
                models.F("created_at"),
                condition=models.Q(status__in=EXPECTED_SHIPMENT_STATUSES),
                name="shipping_shipment_on_its_way",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_status_display(self) -> str:  # type: ignore[no-redef]  # replaces the one Django generates
        """The status in the reader's language; the boards show it on every row (see `choice_label`)."""
        return choice_label(ShipmentStatus, self.status)


class Carton(PublicIdModel, TimeStampedModel):
    """One box of a shipment, with its own barcode label (and, once closed, a carrier label)."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="cartons", verbose_name=_("shipment")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    barcode = models.CharField(_("barcode"), max_length=64, unique=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, null=True, blank=True, unique=True)
    label_pdf = models.FileField(_("carrier label (PDF)"), upload_to=carton_file_path, blank=True, max_length=200)
    label_zpl = models.FileField(_("carrier label (ZPL)"), upload_to=carton_file_path, blank=True, max_length=200)

    class Meta:
        ordering = ("shipment_id", "position")
        verbose_name = _("carton")
        verbose_name_plural = _("cartons")
        constraints = [
            models.UniqueConstraint(fields=("shipment", "position"), name="%(app_label)s_%(class)s_unique_position"),
        ]

    def __str__(self) -> str:
        return self.barcode


class ShipmentItem(TimeStampedModel):
    """A return or some loose units scanned into a carton; removed scans are kept, marked removed."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="items", verbose_name=_("shipment"))
    carton = models.ForeignKey(Carton, on_delete=models.CASCADE, related_name="items", verbose_name=_("carton"))
    kind = models.CharField(_("kind"), max_length=24, choices=ShipmentItemKind.choices)
    return_request = models.ForeignKey(
        "returns.ReturnRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipment_items",
        verbose_name=_("return"),
    )
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    scanned_code = models.CharField(_("scanned code"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("carton_id", "created_at", "id")
        verbose_name = _("shipment item")
        verbose_name_plural = _("shipment items")
        constraints = [
            # A return travels in one shipment only (a removed scan frees it).
            models.UniqueConstraint(
                fields=("return_request",),
                condition=models.Q(return_request__isnull=False, removed_at__isnull=True),
                name="%(app_label)s_%(class)s_return_in_one_shipment",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ShipmentItemKind.values), name="%(app_label)s_%(class)s_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=ShipmentItemKind.CUSTOMER_RETURN, return_request__isnull=False)
                    | (~models.Q(kind=ShipmentItemKind.CUSTOMER_RETURN) & models.Q(return_request__isnull=True))
                ),
                name="%(app_label)s_%(class)s_return_iff_customer_return",
            ),
        ]
        indexes = [models.Index(fields=("shipment", "removed_at"), name="shipping_item_shipment_removed")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.sku or self.return_request_id} × {self.quantity}"


class CounterCheck(TimeStampedModel):
    """What the shop saw of one return line at the counter: its condition, accepted or refused and why."""

    return_line = models.OneToOneField(
        "returns.ReturnLine", on_delete=models.CASCADE, related_name="counter_check", verbose_name=_("return line")
    )
    store = models.ForeignKey(
        "locations.Store", on_delete=models.PROTECT, related_name="counter_checks", verbose_name=_("shop")
    )
    condition = models.CharField(_("condition"), max_length=16, choices=CounterCondition.choices)
    accepted = models.BooleanField(_("accepted"))
    refusal_reason = models.CharField(_("why refused"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("return_line_id",)
        verbose_name = _("counter check")
        verbose_name_plural = _("counter checks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(condition__in=CounterCondition.values),
                name="%(app_label)s_%(class)s_condition_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted=True) | ~models.Q(refusal_reason=""),
                name="%(app_label)s_%(class)s_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.return_line_id}: {'accepted' if self.accepted else 'refused'}"


# The carrier accounts live in their own module; imported here so that Django registers the model.
from rma.shipping.accounts import CarrierAccount  # noqa: E402

__all__ = ["Carton", "CarrierAccount", "CounterCheck", "Label", "Shipment", "ShipmentItem"]
