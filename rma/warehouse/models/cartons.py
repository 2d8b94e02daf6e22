"""Shops' cartons at a warehouse: received, counted item by item, and what differs from the announcement."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from rma.core.models import TimeStampedModel
from rma.warehouse.choices import DiscrepancyKind

__all__ = ["CartonReceipt", "CountedItem", "Discrepancy"]


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
