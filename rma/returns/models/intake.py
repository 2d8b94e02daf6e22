"""Returns accepted for later creation: `POST /api/v1/returns/` with `Prefer: respond-async` (rma/returns/intake.py).

The row is the request: its body as the caller sent it (already checked for shape), who sent it, in which language
and under which Idempotency-Key. A worker makes the return from it, in the transaction that records the outcome,
so that a request is turned into a return once, or into the error the synchronous call would have answered.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rma.core.models import PublicIdModel, TimeStampedModel
from rma.returns.models.requests import ReturnRequest


class IntakeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CREATED = "created", _("Created")
    FAILED = "failed", _("Failed")


class ReturnIntake(PublicIdModel, TimeStampedModel):
    """One asynchronous creation request, from its acceptance (202) to the return it made or its refusal."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    payload = models.JSONField(_("request body"))
    language = models.CharField(_("language"), max_length=8, help_text=_("The language of the answer."))
    idempotency_key = models.CharField(_("Idempotency-Key"), max_length=128, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.PENDING)
    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("return")
    )
    # What the synchronous call would have answered: its HTTP status and, for a refusal, its JSON error body.
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.JSONField(_("error"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_failure = models.TextField(_("last failure"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("return intake")
        verbose_name_plural = _("return intakes")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("actor", "idempotency_key"),
                condition=~Q(idempotency_key=""),
                name="returns_intake_unique_key",
            ),
        ]
        indexes = [
            # The worker's queue: the pending ones, oldest first.
            models.Index(fields=("id",), condition=Q(status="pending"), name="returns_intake_pending"),
        ]

    def __str__(self) -> str:
        return str(self.public_id)
