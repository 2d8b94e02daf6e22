"""Reference data of returns: reason codes, and the return policy with its window overrides and fees."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rma.core.models import TimeStampedModel
from rma.locations.choices import DropOffMethod
from rma.orders.choices import Category, Channel
from rma.returns.choices import (
    POLICY_STORE_CREDIT_MOMENTS,
    LegalBasis,
    Responsibility,
    StoreCreditMoment,
)


class ReasonCode(TimeStampedModel):
    """Why something comes back: a stable code with labels, responsibility and legal basis."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    responsibility = models.CharField(_("responsibility"), max_length=16, choices=Responsibility.choices)
    requires_photo = models.BooleanField(_("requires a photo"), default=False)
    free_return = models.BooleanField(_("free return"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=24, choices=LegalBasis.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("position", "code")
        verbose_name = _("reason code")
        verbose_name_plural = _("reason codes")

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"

    @property
    def label(self) -> str:
        """The label in the active language."""
        return self.label_fr if (translation.get_language() or "fr").startswith("fr") else self.label_en


class ReturnPolicy(TimeStampedModel):
    """How long, at what cost and with what checks customers may return goods."""

    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("default policy"), default=False)
    window_days = models.PositiveSmallIntegerField(
        _("return window (days from delivery)"),
        default=30,
        validators=[MinValueValidator(14)],
        help_text=_("Never under the 14-day EU right of withdrawal."),
    )
    conformity_window_days = models.PositiveSmallIntegerField(
        _("legal guarantee (days from delivery)"),
        default=730,
        help_text=_("Defective or non-conforming goods can be returned for this long (2 years in France)."),
    )
    auto_approve = models.BooleanField(_("approve automatically"), default=True)
    review_order_value_above = models.DecimalField(
        _("review when the return is worth more than"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    review_recent_returns = models.PositiveSmallIntegerField(
        _("review when the customer has at least this many recent returns"), null=True, blank=True
    )
    review_recent_returns_days = models.PositiveSmallIntegerField(_("recent means within (days)"), default=90)
    returnless_refund_below = models.DecimalField(
        _("refund without return below"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The customer keeps items worth less than this (returning them costs more)."),
    )
    free_exchanges = models.BooleanField(_("exchanges are free"), default=True)
    exchange_price_difference_allowed = models.BooleanField(
        _("exchange for a variant at another price"),
        default=False,
        help_text=_(
            "Off: an exchange must be for a variant at the same price as the item returned (when the shop gives "
            "prices). On: a dearer or cheaper variant is accepted."
        ),
    )
    store_credit_moment = models.CharField(
        _("store credit is issued"),
        max_length=16,
        choices=POLICY_STORE_CREDIT_MOMENTS,
        default=StoreCreditMoment.INSPECTION,
        help_text=_(
            "When the parcel is handed over (shop counter check, carrier scan…): the customer can spend it at once, "
            "for the estimated amount. After inspection: for the inspected amount, in place of a payment."
        ),
    )
    store_credit_bonus_percent = models.DecimalField(
        _("store credit bonus (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Added to the amount of a store credit, to make it more attractive than a refund."),
    )
    tracking_late_after_days = models.PositiveSmallIntegerField(
        _("a parcel is late after (days without carrier news)"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A return whose label is ready or whose parcel is on its way, with no carrier event for this many days, "
            "is flagged for customer service."
        ),
    )
    store_credit_validity_days = models.PositiveIntegerField(
        _("store credit valid for (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: the store credit never expires."),
    )

    class Meta:
        ordering = ("-is_default", "name")
        verbose_name = _("return policy")
        verbose_name_plural = _("return policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_days__gte=14), name="%(app_label)s_%(class)s_window_at_least_14_days"
            ),
            models.UniqueConstraint(
                fields=("is_default",), condition=models.Q(is_default=True), name="%(app_label)s_%(class)s_one_default"
            ),
            models.CheckConstraint(
                condition=models.Q(store_credit_bonus_percent__gte=0, store_credit_bonus_percent__lte=100),
                name="%(app_label)s_%(class)s_store_credit_bonus_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(tracking_late_after_days__gte=1),
                name="%(app_label)s_%(class)s_tracking_late_at_least_a_day",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PolicyWindowOverride(TimeStampedModel):
    """A different window for a category, a sales channel, or both (the most specific wins)."""

    policy = models.ForeignKey(
        ReturnPolicy, on_delete=models.CASCADE, related_name="window_overrides", verbose_name=_("policy")
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    window_days = models.PositiveSmallIntegerField(_("window (days)"), validators=[MinValueValidator(14)])

    class Meta:
        ordering = ("policy_id", "category", "channel")
        verbose_name = _("window override")
        verbose_name_plural = _("window overrides")
        constraints = [
            models.UniqueConstraint(
                fields=("policy", "category", "channel"), name="%(app_label)s_%(class)s_unique_scope"
            ),
            models.CheckConstraint(
                condition=models.Q(window_days__gte=14), name="%(app_label)s_%(class)s_window_at_least_14_days"
            ),
            models.CheckConstraint(
                condition=~models.Q(category="", channel=""), name="%(app_label)s_%(class)s_has_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'}/{self.channel or '*'}: {self.window_days} d"


class PolicyFee(TimeStampedModel):
    """What the customer pays for a return, by who is responsible and how it is dropped off."""

    policy = models.ForeignKey(ReturnPolicy, on_delete=models.CASCADE, related_name="fees", verbose_name=_("policy"))
    responsibility = models.CharField(_("responsibility"), max_length=16, choices=Responsibility.choices)
    drop_off_method = models.CharField(_("drop-off method"), max_length=16, choices=DropOffMethod.choices)
    amount = models.DecimalField(_("fee"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ("policy_id", "responsibility", "drop_off_method")
        verbose_name = _("return fee")
        verbose_name_plural = _("return fees")
        constraints = [
            models.UniqueConstraint(
                fields=("policy", "responsibility", "drop_off_method"), name="%(app_label)s_%(class)s_unique_scope"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="%(app_label)s_%(class)s_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.responsibility}/{self.drop_off_method}: {self.amount}"
