"""What became of returned units in a year: the disclosure the EU's ESPR (Regulation 2024/1781, art. 24: unsold
consumer products discarded, by category, with the reasons and the waste operation) and France's AGEC law (unsold
non-food products reused, donated or recycled rather than destroyed) ask of a company. Returns under the
withdrawal right count as unsold products for the ESPR.

One disposition is one unit (rma.warehouse: each unit is inspected and disposed of on its own). A unit weighs what
the shop published for it (its order line's ``unit_weight_g``, from the shop platform or the order import); a unit
whose shop published no weight is estimated from an average unit weight per product category
(RMA_CATEGORY_UNIT_WEIGHT_G). Each row says how many of its units were weighed each way.

The figures come from the DispositionDay roll-up, which counts each unit on its return's request day under the year
its disposition was confirmed, and is kept up to date by the workers (rma.insights.refresh)."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from rma.insights.analytics import Filters, Scope, rollup_scoped
from rma.insights.models import DispositionDay
from rma.locations.models import Store, Warehouse
from rma.warehouse.choices import DispositionKind


class Treatment(models.TextChoices):
    """What the disclosure calls what happened to a unit (several dispositions may share one)."""

    RESOLD = "resold", _("Resold as new")
    RESOLD_SECONDHAND = "resold_secondhand", _("Resold second-hand")
    REFURBISHED = "refurbished", _("Refurbished or repaired")
    DONATED = "donated", _("Donated")
    RETURNED_TO_SUPPLIER = "returned_to_supplier", _("Returned to the supplier")
    RECYCLED = "recycled", _("Recycled")
    DESTROYED = "destroyed", _("Destroyed")


TREATMENT_OF = {
    DispositionKind.RESTOCK: Treatment.RESOLD,
    DispositionKind.RESTOCK_OPEN_BOX: Treatment.RESOLD,
    DispositionKind.RESELL_SECONDHAND: Treatment.RESOLD_SECONDHAND,
    DispositionKind.REFURBISH: Treatment.REFURBISHED,
    DispositionKind.REPAIR: Treatment.REFURBISHED,
    DispositionKind.DONATE: Treatment.DONATED,
    DispositionKind.RETURN_TO_VENDOR: Treatment.RETURNED_TO_SUPPLIER,
    DispositionKind.RECYCLE: Treatment.RECYCLED,
    DispositionKind.DESTROY: Treatment.DESTROYED,
}


class WeightSource(StrEnum):
    """Where a row's weight comes from: the weights its shops published, the category's estimate, or both."""

    PUBLISHED = "published"
    ESTIMATED = "estimated"
    MIXED = "mixed"


# Discarded in the ESPR's sense, with the waste operation it names for them.
WASTE_OPERATION = {Treatment.RECYCLED: "recycling", Treatment.DESTROYED: "disposal"}


@dataclass(frozen=True)
class DispositionRow:
    year: int
    category: str
    treatment: str
    derogation: str  # why destroying was lawful; "" for any other treatment
    units: int
    weight_g: int  # the published weights of units_published units, and the estimate of the others
    units_published: int = 0  # units whose weight the shop published; the others are estimated by category

    @property
    def units_estimated(self) -> int:
        return self.units - self.units_published

    @property
    def weight_source(self) -> str:
        """Where the row's weight comes from: "published", "estimated", or "mixed" (some units each way)."""
        if not self.units_estimated:
            return WeightSource.PUBLISHED
        return WeightSource.ESTIMATED if not self.units_published else WeightSource.MIXED

    @property
    def discarded(self) -> bool:
        return self.treatment in WASTE_OPERATION

    @property
    def waste_operation(self) -> str:
        return WASTE_OPERATION.get(Treatment(self.treatment), "")


def unit_weight_g(category: str) -> int:
    weights: dict[str, int] = settings.RMA_CATEGORY_UNIT_WEIGHT_G
    return int(weights.get(category, weights.get("other", 0)))


def disposition_rows(
    *, scope: Scope, year: int, store: Store | None = None, warehouse: Warehouse | None = None, category: str = ""
) -> list[DispositionRow]:
    """Units disposed of in `year` (confirmed then, in the site's time zone) among the returns of the reader's sites,
    by category, treatment and derogation: one grouped statement over the month rows of the roll-up, whatever the
    month of the request."""
    filters = Filters(date(year, 1, 1), date(year, 12, 31), store=store, warehouse=warehouse, category=category)
    grouped = (
        rollup_scoped(DispositionDay, scope=scope, filters=filters)
        .filter(year=year, monthly=True)
        .values("category", "kind", "derogation")
        .annotate(n=Sum("units"), n_published=Sum("units_published"), g_published=Sum("published_g"))
    )
    totals: dict[tuple[str, str, str], tuple[int, int, int]] = {}
    for row in grouped:
        treatment = TREATMENT_OF[DispositionKind(row["kind"])]
        derogation = row["derogation"] if treatment == Treatment.DESTROYED else ""
        key = (row["category"], treatment.value, derogation)
        units, units_published, published_g = totals.get(key, (0, 0, 0))
        totals[key] = (units + row["n"], units_published + row["n_published"], published_g + row["g_published"])
    order = {treatment: index for index, treatment in enumerate(Treatment.values)}
    return [
        DispositionRow(
            year,
            category_,
            treatment,
            derogation,
            units,
            published_g + (units - units_published) * unit_weight_g(category_),
            units_published,
        )
        for (category_, treatment, derogation), (units, units_published, published_g) in sorted(
            totals.items(), key=lambda item: (item[0][0], order[item[0][1]], item[0][2])
        )
    ]
