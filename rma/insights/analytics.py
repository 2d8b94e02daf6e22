"""The analytics' figures, read from the daily roll-ups (rma.insights.models) of the reader's sites.

Every figure counts the returns requested in the period (and the units sold in it), with what became of them since:
a page reads a few rows a day, however many returns and lines the raw tables hold.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from math import ceil
from typing import Any

from django.db.models import Model, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from rma.core import roles
from rma.insights.models import SkuDay
from rma.insights.rollups import month_first, month_next
from rma.locations.models import Store, Warehouse
from rma.returns.selectors import AnyUser


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    store: Store | None = None
    warehouse: Warehouse | None = None
    category: str = ""


def filters_from(data: dict[str, Any]) -> Filters:
    """The filters of a valid AnalyticsFilterForm (the pages and the API)."""
    return Filters(data["start"], data["end"], data.get("store"), data.get("warehouse"), data.get("category") or "")


@dataclass(frozen=True)
class Scope:
    """The sites whose rows a reader sees: None for every site (agents, integrations, superusers)."""

    stores: frozenset[int] | None
    warehouses: frozenset[int] | None

    @classmethod
    def of(cls, user: AnyUser) -> "Scope":
        if not user.is_authenticated:
            return cls(frozenset(), frozenset())
        if roles.has_global_scope(user):
            return cls(None, None)
        user_roles = roles.user_roles(user)
        stores = Store.objects.filter(staff=user) if roles.STORE_STAFF in user_roles else Store.objects.none()
        warehouses = (
            Warehouse.objects.filter(staff=user) if roles.WAREHOUSE_STAFF in user_roles else Warehouse.objects.none()
        )
        return cls(frozenset(stores.values_list("pk", flat=True)), frozenset(warehouses.values_list("pk", flat=True)))

    @property
    def everything(self) -> bool:
        return self.stores is None


def period_rows(start: date, end: date) -> Q:
    """The rows of a period: the month rows of the whole months in it, the day rows of the days left at its ends."""
    whole = start if start.day == 1 else month_next(start)  # the first whole month
    after = month_next(end) if month_next(end) - timedelta(days=1) == end else month_first(end)  # after the last
    if whole >= after:
        return Q(monthly=False, day__gte=start, day__lte=end)
    return (
        Q(monthly=True, day__gte=whole, day__lt=after)
        | Q(monthly=False, day__gte=start, day__lt=whole)
        | Q(monthly=False, day__gte=after, day__lte=end)
    )


def every_site(scope: Scope, filters: Filters) -> bool:
    """Whether a report adds up every site and category together: a reader who sees every site and filters none,
    whom the roll-ups without sites (ReasonDay, RefundTimeDay) serve."""
    return scope.everything and filters.store is None and filters.warehouse is None and not filters.category


def rollup_scoped(model: type[Model], *, scope: Scope, filters: Filters) -> QuerySet[Any]:
    """The rows of a roll-up of the reader's sites and the filters, any day."""
    rows = model._default_manager.all()
    has_warehouse = any(f.name == "warehouse_id" for f in model._meta.get_fields())
    if not scope.everything:
        visible = Q(store_id__in=scope.stores)
        if has_warehouse:
            visible |= Q(warehouse_id__in=scope.warehouses)
        rows = rows.filter(visible)
    if filters.store is not None:
        rows = rows.filter(store_id=filters.store.pk)
    if filters.warehouse is not None:
        rows = rows.filter(warehouse_id=filters.warehouse.pk) if has_warehouse else rows.none()
    if filters.category:
        rows = rows.filter(category=filters.category)
    return rows.order_by()


def rollup_rows(model: type[Model], *, scope: Scope, filters: Filters) -> QuerySet[Any]:
    """The rows of a roll-up in the period, the reader's sites and the filters."""
    return rollup_scoped(model, scope=scope, filters=filters).filter(period_rows(filters.start, filters.end))


def month_of(value: Any) -> date:
    return value.date() if hasattr(value, "date") else value


def share(part: float | Decimal, whole: float | Decimal) -> float | None:
    return float(part) / float(whole) if whole else None


# ---- return rate


@dataclass(frozen=True)
class Rate:
    sold: int
    returned: int
    returned_value: Decimal = Decimal("0.00")

    @property
    def rate(self) -> float | None:
        return share(self.returned, self.sold)


@dataclass
class RateReport:
    total: Rate
    months: list[tuple[date, Rate]]
    by: dict[str, list[tuple[Any, Rate]]]  # "category", "channel", "store", "product", "sku": the most returned first
    sales_known: bool  # False for a warehouse's view: sales belong to shops, not warehouses


def _rates(rows: QuerySet[SkuDay], key: Any) -> list[tuple[Any, Rate]]:
    grouped = rows.values(key).annotate(
        sold=Sum("units_sold"), returned=Sum("units_returned"), value=Sum("returned_value")
    )
    return [
        (row[key], Rate(row["sold"] or 0, row["returned"] or 0, row["value"] or Decimal("0.00"))) for row in grouped
    ]


def rate_report(*, scope: Scope, filters: Filters, top: int = 15) -> RateReport:
    """Units returned against units sold: overall, per month, and per category, channel, shop, product and SKU."""
    rows = rollup_rows(SkuDay, scope=scope, filters=filters)
    months = sorted((month_of(month), rate) for month, rate in _rates(rows.annotate(month=TruncMonth("day")), "month"))
    total = Rate(
        sum(rate.sold for _m, rate in months),
        sum(rate.returned for _m, rate in months),
        sum((rate.returned_value for _m, rate in months), Decimal("0.00")),
    )

    def ranked(key: str, limit: int | None = None) -> list[tuple[Any, Rate]]:
        ordered = sorted(_rates(rows, key), key=lambda item: (-item[1].returned, -item[1].sold, str(item[0])))
        return ordered[:limit] if limit else ordered

    by = {
        "category": ranked("category"),
        "channel": ranked("channel"),
        "store": ranked("store_id"),
        "product": ranked("product_ref", top),
        "sku": ranked("sku", top),
    }
    return RateReport(
        total, months, by, sales_known=filters.warehouse is None and (scope.everything or bool(scope.stores))
    )


# ---- time to refund


@dataclass
class RefundTimes:
    """Refunds by whole days from the request, and those paid within 14 days of receipt."""

    days: dict[int, int] = field(default_factory=dict)
    within: int = 0
    received: int = 0  # refunds of parcels received (the legal clock's start); returnless refunds have none
    amount: Decimal = Decimal("0.00")

    @property
    def count(self) -> int:
        return sum(self.days.values())

    def percentile(self, p: int) -> int | None:
        """Nearest rank: the least number of days within which p % of the refunds were paid."""
        count = self.count
        if not count:
            return None
        rank, seen = ceil(p * count / 100), 0
        for days in sorted(self.days):
            seen += self.days[days]
            if seen >= rank:
                return days
        return None  # pragma: no cover - the ranks add up to count

    @property
    def within_share(self) -> float | None:
        return share(self.within, self.received)

    def add(self, days: int, within: bool | None, refunds: int, amount: Decimal) -> None:
        self.days[days] = self.days.get(days, 0) + refunds
        if within is not None:
            self.received += refunds
            self.within += refunds if within else 0
        self.amount += amount


def refund_times(rows: Iterable[dict[str, Any]]) -> tuple[RefundTimes, dict[date, RefundTimes]]:
    total, months = RefundTimes(), defaultdict[date, RefundTimes](RefundTimes)
    for row in rows:
        args = (row["days"], row["within_legal"], row["n"], row["total"] or Decimal("0.00"))
        total.add(*args)
        months[month_of(row["month"])].add(*args)
    return total, dict(sorted(months.items()))
