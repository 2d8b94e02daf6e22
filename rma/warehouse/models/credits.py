"""Store credit: a voucher issued for a return instead of a refund, spent at the shop in one or more redemptions."""

import secrets
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rma.core.models import PublicIdModel, TimeStampedModel
from rma.returns.choices import StoreCreditMoment
from rma.returns.models import RMA_ALPHABET
from rma.warehouse.choices import StoreCreditStatus

__all__ = ["StoreCredit", "StoreCreditRedemption"]

CODE_GROUPS = 4
CODE_GROUP_LENGTH = 4
# What a credit can be in the database; "expired" is read from its expiry date.
STORED_STATUSES = (StoreCreditStatus.ACTIVE, StoreCreditStatus.SPENT, StoreCreditStatus.CANCELLED)


def store_credit_code_new() -> str:
    """An unguessable code such as 7KQ2-M9XD-4HTP-WC3R: 16 characters without look-alikes (about 77 bits)."""
    chars = "".join(secrets.choice(RMA_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(chars[i : i + CODE_GROUP_LENGTH] for i in range(0, len(chars), CODE_GROUP_LENGTH))


def store_credit_code_normalize(raw: str) -> str:
    """A code as people type it (lower case, spaces, no dashes) in its stored form."""
    chars = "".join(c for c in raw.upper() if c.isascii() and c.isalnum())
    return "-".join(chars[i : i + CODE_GROUP_LENGTH] for i in range(0, len(chars), CODE_GROUP_LENGTH))


class StoreCredit(PublicIdModel, TimeStampedModel):
    """A voucher issued for a return (one per return, enforced by the database), spent down to zero at the shop.

    ``amount`` includes the policy's bonus (``bonus_amount``); ``balance`` is what is left to spend. ``created_at``
    is when it was issued, ``moment`` at which point of the return.
    """

    code = models.CharField(_("code"), max_length=24, unique=True, editable=False)
    return_request = models.OneToOneField(
        "returns.ReturnRequest", on_delete=models.PROTECT, related_name="store_credit", verbose_name=_("return")
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    bonus_percent = models.DecimalField(_("bonus (%)"), max_digits=5, decimal_places=2, default=Decimal("0.00"))
    bonus_amount = models.DecimalField(_("bonus"), max_digits=10, decimal_places=2, default=Decimal("0.00"))
    currency = models.CharField(_("currency"), max_length=3)
    balance = models.DecimalField(_("balance"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=16, choices=StoreCreditStatus.choices, default=StoreCreditStatus.ACTIVE
    )
    moment = models.CharField(_("issued"), max_length=16, choices=StoreCreditMoment.choices)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, help_text=_("Empty: never."))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("store credit")
        verbose_name_plural = _("store credits")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="%(app_label)s_%(class)s_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(balance__gte=0, balance__lte=models.F("amount")),
                name="%(app_label)s_%(class)s_balance_within_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(bonus_amount__gte=0, bonus_amount__lte=models.F("amount")),
                name="%(app_label)s_%(class)s_bonus_within_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in STORED_STATUSES]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=StoreCreditStatus.ACTIVE, balance=0)
                & ~models.Q(status=StoreCreditStatus.SPENT, balance__gt=0),
                name="%(app_label)s_%(class)s_spent_when_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.masked_code} ({self.amount} {self.currency})"

    @property
    def masked_code(self) -> str:
        """The code with all but its last 4 characters hidden, for lists and logs."""
        return f"••••-••••-••••-{self.code[-4:]}" if self.code else ""

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def current_status(self, now: datetime | None = None) -> str:
        """The status as the shop sees it: an active credit past its expiry date is expired."""
        if self.status == StoreCreditStatus.ACTIVE and self.is_expired(now):
            return StoreCreditStatus.EXPIRED
        return self.status


class StoreCreditRedemption(TimeStampedModel):
    """Part of a store credit spent at the shop (``created_at``: when), once per the shop's ``reference``."""

    store_credit = models.ForeignKey(
        StoreCredit, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("store credit")
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        help_text=_("The shop's reference (its order or payment): one redemption each."),
    )
    balance_after = models.DecimalField(_("balance after"), max_digits=10, decimal_places=2)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("store credit redemption")
        verbose_name_plural = _("store credit redemptions")
        constraints = [
            models.UniqueConstraint(
                fields=("store_credit", "reference"), name="%(app_label)s_%(class)s_unique_reference"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="%(app_label)s_%(class)s_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0), name="%(app_label)s_%(class)s_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.reference})"
