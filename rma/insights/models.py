"""Daily roll-ups of returns and sales: what the analytics pages read instead of the raw tables.

Each table holds one row per day and combination of its dimensions, and is rebuilt a whole day at a time from the
raw tables (rma.insights.rollups): a return counts on the day it was requested (in the site's time zone) with what
became of it since, so a refund a month later rewrites the request's day. Sales count on the day the order was
placed. The rows carry the shop and the warehouse of the return so that each reader sees their sites' figures only.

Each table also holds a month's rows (`monthly`, on the month's first day): the sums of its day rows, rebuilt with
them. A period reads the month rows of the whole months it spans and the day rows of the days left at its ends, so a
year's figures read a few thousand rows, however many returns the year had.
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


class _Days(models.Model):
    """A roll-up's rows: one per day and combination of its dimensions, and one per month (`monthly`)."""

    day = models.DateField(_("day"))  # the month's first day for a month's row
    monthly = models.BooleanField(_("whole month"), default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.day}"


class _Rollup(_Days):
    """A roll-up of each site and category: the readers see their sites' rows, and filter them."""

    store_id = models.IntegerField(_("shop"), null=True)  # locations.Store; no constraint: rows are rebuilt
    category = models.CharField(_("category"), max_length=32)

    class Meta:
        abstract = True


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
        indexes = [models.Index(fields=("monthly", "day", "store_id"), name="insights_sku_days")]


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
        indexes = [models.Index(fields=("monthly", "day", "store_id", "warehouse_id"), name="insights_return_days")]


class ReasonDay(_Days):
    """ReturnDay for every site and category together: returned units per reason and outcome. What the reasons sheet
    reads for a reader who sees every site and filters none, a few hundred rows a year however many sites, categories
    and returns there are (ReturnDay holds a row per site and category besides: tens of thousands a year at half a
    million returns)."""

    reason_id = models.IntegerField(_("reason"), null=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    settled = models.BooleanField(_("settled"), default=False)
    returns = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    value = _money()

    class Meta:
        verbose_name = _("reason day")
        indexes = [models.Index(fields=("monthly", "day"), name="insights_reason_days")]


class _RefundTimes(models.Model):
    """What the refund roll-ups count: refunds and their amount per whole days from the request to the refund, and
    whether paid within the legal 14 days of the parcel's receipt (None for refunds without return)."""

    days = models.PositiveIntegerField(_("days to refund"))
    within_legal = models.BooleanField(_("within 14 days of receipt"), null=True)
    refunds = models.PositiveIntegerField(default=0)
    amount = _money()

    class Meta:
        abstract = True


class RefundDay(_Rollup, _RefundTimes):
    """Refunds per whole days from the request (rounded up), and whether paid within the legal 14 days of the
    parcel's receipt (None for refunds without return). `category`: the return's first line's."""

    warehouse_id = models.IntegerField(_("warehouse"), null=True)

    class Meta:
        verbose_name = _("refund day")
        indexes = [models.Index(fields=("monthly", "day", "store_id", "warehouse_id"), name="insights_refund_days")]


class RefundTimeDay(_Days, _RefundTimes):
    """RefundDay for every site and category together: refunds per whole days from the request and within the legal
    14 days. What the refunds sheet reads for a reader who sees every site and filters none: a few hundred rows a
    year, however many sites, categories and refunds there are."""

    class Meta:
        verbose_name = _("refund time day")
        indexes = [models.Index(fields=("monthly", "day"), name="insights_refund_time_days")]


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
        indexes = [models.Index(fields=("monthly", "day", "store_id", "warehouse_id"), name="insights_cost_days")]


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
        indexes = [models.Index(fields=("monthly", "day", "store_id", "warehouse_id"), name="insights_recovery_days")]


class FootprintDay(_Rollup):
    """The carbon estimates of the returns that sent a parcel back (returns.ReturnFootprint), per drop-off method and
    factor set, against the same parcels collected at home. `category`: the return's first line's."""

    warehouse_id = models.IntegerField(_("warehouse"), null=True)
    method = models.CharField(_("drop-off"), max_length=20)
    factors_version = models.CharField(_("factor set"), max_length=40)
    returns = models.PositiveIntegerField(default=0)
    grams = models.BigIntegerField(default=0)
    baseline_g = models.BigIntegerField(default=0)
    greener = models.PositiveIntegerField(default=0)  # estimated below the same parcel collected at home
    walked = models.PositiveIntegerField(default=0)  # dropped off within walking distance

    class Meta:
        verbose_name = _("footprint day")
        indexes = [models.Index(fields=("monthly", "day", "store_id", "warehouse_id"), name="insights_footprint_days")]


class DispositionDay(_Rollup):
    """Units disposed of, per year of the disposition's confirmation (in the site's time zone), disposition and
    derogation, with the weights their shops published: the ESPR and AGEC disclosure reads the month rows of a
    `year`, whatever the day of the request."""

    warehouse_id = models.IntegerField(_("warehouse"), null=True)
    year = models.PositiveSmallIntegerField(_("year confirmed"))
    kind = models.CharField(_("disposition"), max_length=20)
    derogation = models.CharField(_("legal derogation"), max_length=24)
    units = models.PositiveIntegerField(default=0)
    units_published = models.PositiveIntegerField(default=0)  # units whose weight the shop published
    published_g = models.BigIntegerField(default=0)  # their weight

    class Meta:
        verbose_name = _("disposition day")
        indexes = [
            models.Index(fields=("monthly", "day", "store_id", "warehouse_id"), name="insights_disposition_days"),
            models.Index(fields=("year", "monthly"), name="insights_disposition_year"),
        ]


class ShipmentDay(_Rollup):
    """Shipments that shops dispatched to a warehouse (on the day of dispatch), their cartons and units, and how many
    were received, and received with discrepancies. `category` is always "": a shipment mixes categories."""

    warehouse_id = models.IntegerField(_("warehouse"), null=True)
    shipments = models.PositiveIntegerField(default=0)
    cartons = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    received = models.PositiveIntegerField(default=0)
    with_discrepancies = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("shipment day")
        indexes = [models.Index(fields=("monthly", "day", "store_id", "warehouse_id"), name="insights_shipment_days")]


class DiscrepancyDay(_Rollup):
    """Units concerned by the discrepancies found on receiving the shipments dispatched that day, per kind."""

    warehouse_id = models.IntegerField(_("warehouse"), null=True)
    kind = models.CharField(_("kind"), max_length=16)
    units = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("discrepancy day")
        indexes = [
            models.Index(fields=("monthly", "day", "store_id", "warehouse_id"), name="insights_discrepancy_days")
        ]


class RollupState(models.Model):
    """How far the roll-ups have read the raw tables (one row): the last return event, inspection, disposition and
    order seen."""

    event_id = models.BigIntegerField(default=0)
    inspection_id = models.BigIntegerField(default=0)
    disposition_id = models.BigIntegerField(default=0)
    order_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("roll-up state")

    def __str__(self) -> str:
        return f"events to {self.event_id}, inspections to {self.inspection_id}, orders to {self.order_id}"
