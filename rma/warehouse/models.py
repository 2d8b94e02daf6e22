"""What arrives at a warehouse and what is found in it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rma.core.models import TimeStampedModel


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
