"""The outbox: messages written in the same transaction as the change, delivered later by a worker."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from rma.core.models import TimeStampedModel
from rma.notifications.choices import Channel, OutboxStatus


class OutboxMessage(TimeStampedModel):
    """One message to one destination; `dedupe_key` makes it exist once whatever retries happen."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    topic = models.CharField(_("topic"), max_length=64, db_index=True)
    destination = models.CharField(_("destination"), max_length=500)
    payload = models.JSONField(_("payload"), default=dict)
    locale = models.CharField(_("language"), max_length=8, default="fr")
    dedupe_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    # Sent with every attempt (X-RMA-Delivery header, email Message-ID) so that receivers can drop repeats.
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    secret_ref = models.CharField(
        _("signing secret from"),
        max_length=100,
        blank=True,
        help_text=_(
            "Where the webhook signing secret is read when sending, as app_label.model:pk "
            "(e.g. locations.warehouse:3); the secret itself is never copied here."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True, db_index=True)
    enqueued_at = models.DateTimeField(_("handed to the broker at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=OutboxStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="%(app_label)s_%(class)s_channel_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=OutboxStatus.DELIVERED) | models.Q(delivered_at__isnull=False),
                name="%(app_label)s_%(class)s_delivered_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.destination}"
