"""Block and allow lists of customers, and the audit of every change made to them (rma.returns.customer_lists)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rma.core.models import TimeStampedModel
from rma.returns.choices import CustomerListAction, CustomerListKind, CustomerListMatch
from rma.returns.customer_matching import address_has_postcode, customer_value_normalize


class CustomerListEntry(TimeStampedModel):
    """A customer on the block list (no self-service; every return reviewed) or the allow list (trusted: the
    recent-returns and high-value review rules are skipped), by email, delivery address or phone.

    Matched on `normalized_value` (rma.returns.customer_matching), never on the value as typed. An expired entry is
    kept, ignored, until someone renews or removes it: one entry per list, kind of match and value."""

    kind = models.CharField(_("list"), max_length=8, choices=CustomerListKind.choices)
    match = models.CharField(_("matches on"), max_length=8, choices=CustomerListMatch.choices)
    value = models.CharField(
        _("value"),
        max_length=254,
        help_text=_(
            "An email address, a phone number, or a delivery address with its postcode "
            "(for example: 12 rue de la Paix, 75002 Paris)."
        ),
    )
    normalized_value = models.CharField(_("compared as"), max_length=254, editable=False)
    reason = models.CharField(_("reason"), max_length=200, help_text=_("Why this customer is on the list."))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="customer_list_entries",
        verbose_name=_("added by"),
    )
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Leave empty for an entry that does not expire.")
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("customer list entry")
        verbose_name_plural = _("customer list entries")
        constraints = [
            # Its index serves the policy's lookup too: `normalized_value IN (…)` reads its first column.
            models.UniqueConstraint(
                fields=("normalized_value", "match", "kind"), name="%(app_label)s_%(class)s_unique_value"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CustomerListKind.values), name="%(app_label)s_%(class)s_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(match__in=CustomerListMatch.values), name="%(app_label)s_%(class)s_match_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(reason="") & ~models.Q(normalized_value=""),
                name="%(app_label)s_%(class)s_reason_and_value_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self) -> None:
        self.reason = self.reason.strip()
        self.normalized_value = customer_value_normalize(match=self.match, value=self.value)
        if self.match == CustomerListMatch.EMAIL and "@" not in self.normalized_value:
            raise ValidationError({"value": _("Enter an email address.")})
        if self.match == CustomerListMatch.PHONE and len(self.normalized_value) < 6:
            raise ValidationError({"value": _("Enter a phone number.")})
        if self.match == CustomerListMatch.ADDRESS and not address_has_postcode(self.value):
            raise ValidationError({"value": _("Enter the address with its postcode.")})
        # The unique constraint reads `normalized_value`, which no form shows: Django's check would skip it.
        same = CustomerListEntry.objects.filter(
            kind=self.kind, match=self.match, normalized_value=self.normalized_value
        ).exclude(pk=self.pk)
        if self.kind and self.match and same.exists():
            raise ValidationError(
                {"value": _("This value is already on this list. Change that entry (its expiry, for instance).")}
            )


class CustomerListChange(models.Model):
    """One addition, change or removal of a customer list entry: who, when, and the entry before and after."""

    entry_pk = models.PositiveIntegerField(_("entry"), db_index=True)  # not a key: removals are audited too
    action = models.CharField(_("action"), max_length=8, choices=CustomerListAction.choices)
    value = models.CharField(_("value"), max_length=254)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer_list_changes",
        verbose_name=_("by"),
    )
    # The username at the time: the record outlives the account.
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("customer list change")
        verbose_name_plural = _("customer list changes")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.value}"
