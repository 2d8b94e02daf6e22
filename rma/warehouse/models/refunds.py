"""What a return ends in: the refund released, or the exchange asked of the shop."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rma.core.models import PublicIdModel, TimeStampedModel
from rma.warehouse.choices import RefundMethod, RefundStatus

__all__ = ["Refund", "ExchangeRequest"]


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
