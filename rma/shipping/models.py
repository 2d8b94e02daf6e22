"""Labels issued by carriers, for returns (and shop-to-warehouse shipments)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rma.core.models import PublicIdModel, TimeStampedModel


class LabelStatus(models.TextChoices):
    PENDING = "pending", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    VOIDED = "voided", _("Voided")


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
    status = models.CharField(_("status"), max_length=16, choices=LabelStatus.choices, default=LabelStatus.PENDING)
    tracking_number = models.CharField(_("tracking number"), max_length=40, null=True, blank=True, unique=True)
    qr_payload = models.CharField(_("QR payload"), max_length=200, blank=True)
    pdf = models.FileField(_("PDF (A6)"), upload_to="labels/pdf/", blank=True, max_length=200)
    zpl = models.FileField(_("ZPL (4×6 in, 203 dpi)"), upload_to="labels/zpl/", blank=True, max_length=200)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("label")
        verbose_name_plural = _("labels")

    def __str__(self) -> str:
        return self.tracking_number or f"label {self.pk}"
