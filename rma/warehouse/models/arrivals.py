"""What arrives at a warehouse: expected returns scanned in, and parcels nobody announced."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rma.core.models import TimeStampedModel
from rma.warehouse.choices import UnexpectedReason

__all__ = ["Arrival", "UnexpectedParcel"]


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
