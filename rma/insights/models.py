"""Daily roll-ups of returns and sales: what the analytics pages read instead of the raw tables.

Each table holds one row per day and combination of its dimensions, and is rebuilt a whole day at a time from the
raw tables (rma.insights.rollups): a return counts on the day it was requested (in the site's time zone) with what
became of it since, so a refund a month later rewrites the request's day. Sales count on the day the order was
placed. The rows carry the shop and the warehouse of the return so that each reader sees their sites' figures only.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


def _money() -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))


class Outcome(models.TextChoices):
    """What a return came to, or is heading for (its resolution), or that it was given up."""

    REFUND = "refund", _("Refund")
    STORE_CREDIT = "store_credit", _("Store credit")
    EXCHANGE = "exchange", _("Exchange")
    RETURNLESS = "returnless", _("Refund without return")
    WITHDRAWN = "withdrawn", _("Rejected, cancelled or expired")


class _Rollup(models.Model):
    day = models.DateField(_("day"))
    store_id = models.IntegerField(_("shop"), null=True)  # locations.Store; no constraint: rows are rebuilt
    category = models.CharField(_("category"), max_length=32)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.day}"


class SkuDay(_Rollup):
    """Units sold (on the order's day) and returned (on the request's day) per SKU: the return rate's two terms.
    Returns given up (rejected, cancelled, expired) are not counted as returned."""

    channel = models.CharField(_("channel"), max_length=16)
    product_ref = models.CharField(_("product reference"), max_length=64)
    sku = models.CharField(_("SKU"), max_length=64)
    units_sold = models.PositiveIntegerField(default=0)
    sales = _money()
    units_returned = models.PositiveIntegerField(default=0)
    returned_value = _money()

    class Meta:
        verbose_name = _("SKU day")
        indexes = [models.Index(fields=("day", "store_id"), name="insights_sku_day")]


class ReturnDay(_Rollup):
    """Returned units per reason and outcome. `returns` counts each return once, on its first line's row."""

    warehouse_id = models.IntegerField(_("warehouse"), null=True)
    channel = models.CharField(_("channel"), max_length=16)
    reason_id = models.IntegerField(_("reason"), null=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    settled = models.BooleanField(_("settled"), default=False)  # refunded, exchanged or closed
    returns = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    value = _money()

    class Meta:
        verbose_name = _("return day")
        indexes = [models.Index(fields=("day", "store_id", "warehouse_id"), name="insights_return_day")]


class RefundDay(_Rollup):
    """Refunds per whole days from the request (rounded up), and whether paid within the legal 14 days of the
    parcel's receipt (None for refunds without return). `category`: the return's first line's."""

    warehouse_id = models.IntegerField(_("warehouse"), null=True)
    days = models.PositiveIntegerField(_("days to refund"))
    within_legal = models.BooleanField(_("within 14 days of receipt"), null=True)
    refunds = models.PositiveIntegerField(default=0)
    amount = _money()

    class Meta:
        verbose_name = _("refund day")
        indexes = [models.Index(fields=("day", "store_id", "warehouse_id"), name="insights_refund_day")]


class CostDay(_Rollup):
    """What the returns of a day cost and brought back: labels bought, units handled, fees charged, deductions.
    Money is in the returns' currency (one per retailer). `category`: the return's first line's."""

    warehouse_id = models.IntegerField(_("warehouse"), null=True)
    returns = models.PositiveIntegerField(default=0)
    labels = models.PositiveIntegerField(default=0)
    label_cost = _money()
    units_handled = models.PositiveIntegerField(default=0)
    handling_cost = _money()
    fees = _money()
    deductions = _money()

    class Meta:
        verbose_name = _("cost day")
        indexes = [models.Index(fields=("day", "store_id", "warehouse_id"), name="insights_cost_day")]


class RecoveryDay(_Rollup):
    """Inspected units per disposition and grade, their price and the value the grade recovers of it."""

    warehouse_id = models.IntegerField(_("warehouse"), null=True)
    disposition = models.CharField(_("disposition"), max_length=20)  # "" while undecided
    grade = models.CharField(_("grade"), max_length=8)  # "" for units not graded (missing, wrong item)
    units = models.PositiveIntegerField(default=0)
    value = _money()
    recovered = _money()

    class Meta:
        verbose_name = _("recovery day")
        indexes = [models.Index(fields=("day", "store_id", "warehouse_id"), name="insights_recovery_day")]


class RollupState(models.Model):
    """How far the roll-ups have read the raw tables (one row): the last return event, inspection and order seen."""

    event_id = models.BigIntegerField(default=0)
    inspection_id = models.BigIntegerField(default=0)
    order_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("roll-up state")

    def __str__(self) -> str:
        return f"events to {self.event_id}, inspections to {self.inspection_id}, orders to {self.order_id}"
