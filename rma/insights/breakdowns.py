"""Why goods come back and what returns come to, cost and recover, from the daily roll-ups (rma.insights.models)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from rma.insights.analytics import (
    Filters,
    RefundTimes,
    Scope,
    every_site,
    month_of,
    refund_times,
    rollup_rows,
    share,
)
from rma.insights.models import CostDay, Outcome, ReasonDay, RecoveryDay, RefundDay, RefundTimeDay, ReturnDay, SkuDay
from rma.returns.models import ReasonCode

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Units:
    returns: int = 0
    units: int = 0
    value: Decimal = ZERO


@dataclass
class ReasonReport:
    total: Units  # the returns not given up
    reasons: list[tuple[ReasonCode | None, Units]]  # the most units first
    trend: list[tuple[date, dict[int | None, int]]]  # per month: units per reason id
    outcomes: list[tuple[str, Units]]  # in Outcome's order, given-up returns last
    settled: int  # returns refunded, exchanged or closed
    kept: Decimal  # the value of the goods settled by store credit or an exchange: revenue the shop keeps
    sold: int | None = None  # units sold in the period (None for a warehouse's view: sales belong to shops)

    @property
    def top_reason_ids(self) -> list[int | None]:
        return [reason.pk if reason else None for reason, _units in self.reasons[:5]]


_UNIT_SUMS = {f"{name}_sum": Sum(name) for name in ("returns", "units", "value")}


def _sums_add(sums: list[Any], returns: int, units: int, value: Decimal) -> None:
    sums[0] += returns
    sums[1] += units
    sums[2] += value


def _add(a: Units, b: Units) -> Units:
    return Units(a.returns + b.returns, a.units + b.units, a.value + b.value)


def reason_report(*, scope: Scope, filters: Filters) -> ReasonReport:
    """Top reasons and their monthly trend, and the mix of outcomes: one grouped statement over the roll-up (a row per
    month, reason, outcome and settlement, a few hundred for a year, however many rows it adds up), and the units
    sold for each reason's return rate. A reader of every site who filters none reads the roll-up of every site
    together (ReasonDay): its rows do not grow with the sites and categories."""
    rows = rollup_rows(ReasonDay if every_site(scope, filters) else ReturnDay, scope=scope, filters=filters)
    by_reason: dict[int | None, list[Any]] = {}  # [returns, units, value], made Units once added up
    by_outcome: dict[str, list[Any]] = {}
    trend: dict[date, dict[int | None, int]] = {}
    settled, kept = 0, ZERO
    grouped = rows.annotate(month=TruncMonth("day")).values_list("month", "reason_id", "outcome", "settled")
    for month, reason, outcome, is_settled, returns, units, value in grouped.annotate(**_UNIT_SUMS):
        _sums_add(by_outcome.setdefault(outcome, [0, 0, ZERO]), returns, units, value)
        if outcome == Outcome.WITHDRAWN:
            continue
        _sums_add(by_reason.setdefault(reason, [0, 0, ZERO]), returns, units, value)
        per_reason = trend.setdefault(month_of(month), {})
        per_reason[reason] = per_reason.get(reason, 0) + units
        if is_settled:
            settled += returns
            if outcome in (Outcome.STORE_CREDIT, Outcome.EXCHANGE):
                kept += value
    reasons: dict[int | None, ReasonCode] = {reason.pk: reason for reason in ReasonCode.objects.all()}
    ranked = sorted(
        ((reasons.get(pk), Units(*sums)) for pk, sums in by_reason.items()),
        key=lambda item: (-item[1].units, item[0].code if item[0] else ""),
    )
    outcomes = {name: Units(*sums) for name, sums in by_outcome.items()}
    total = Units()
    for name, units_of in outcomes.items():
        if name != Outcome.WITHDRAWN:
            total = _add(total, units_of)
    sold = None
    if filters.warehouse is None and (scope.everything or scope.stores):
        sold = rollup_rows(SkuDay, scope=scope, filters=filters).aggregate(n=Sum("units_sold"))["n"] or 0
    return ReasonReport(
        total=total,
        reasons=ranked,
        trend=sorted(trend.items()),
        outcomes=[(name, outcomes[name]) for name in Outcome.values if name in outcomes],
        settled=settled,
        kept=kept,
        sold=sold,
    )


@dataclass(frozen=True)
class Costs:
    returns: int = 0
    labels: int = 0
    label_cost: Decimal = ZERO
    units_handled: int = 0
    handling_cost: Decimal = ZERO
    fees: Decimal = ZERO
    deductions: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        """What the returns cost once the customers' fees and the deductions on their refunds are taken off."""
        return self.label_cost + self.handling_cost - self.fees - self.deductions

    @property
    def per_return(self) -> Decimal | None:
        return (self.net / self.returns).quantize(Decimal("0.01")) if self.returns else None


@dataclass(frozen=True)
class Recovery:
    units: int = 0
    value: Decimal = ZERO
    recovered: Decimal = ZERO

    @property
    def share(self) -> float | None:
        return share(self.recovered, self.value)


@dataclass
class MoneyReport:
    times: RefundTimes
    months: list[tuple[date, RefundTimes, Costs]]
    costs: Costs
    by_disposition: list[tuple[str, Recovery]]  # the most value recovered first; "" = not decided yet
    by_grade: list[tuple[str, Recovery]]
    recovery: Recovery


_COST_FIELDS = ("returns", "labels", "label_cost", "units_handled", "handling_cost", "fees", "deductions")
_COST_SUMS = {f"{name}_sum": Sum(name) for name in _COST_FIELDS}


def _costs(row: dict[str, Any]) -> Costs:
    """A row of sums as Costs: a sum of nothing (None) is the field's zero. A zero sum of money stays a Decimal (`or
    0` made it the integer 0, and a cost per return of 0 / n a float)."""
    empty = Costs()
    values: dict[str, Any] = {
        name: getattr(empty, name) if row[f"{name}_sum"] is None else row[f"{name}_sum"] for name in _COST_FIELDS
    }
    return Costs(**values)


def _costs_add(a: Costs, b: Costs) -> Costs:
    return Costs(**{name: getattr(a, name) + getattr(b, name) for name in _COST_FIELDS})


def _recoveries(grouped: dict[str, Recovery]) -> list[tuple[str, Recovery]]:
    return sorted(grouped.items(), key=lambda item: (-item[1].recovered, -item[1].units, item[0]))


def _recovery_add(a: Recovery, b: Recovery) -> Recovery:
    return Recovery(a.units + b.units, a.value + b.value, a.recovered + b.recovered)


def money_report(*, scope: Scope, filters: Filters) -> MoneyReport:
    """Time to refund (p50, p90, within the legal 14 days), cost per return, value recovered: three grouped
    statements, one per roll-up, each answering a few hundred rows however many it adds up; the totals are the sums
    of those rows. A reader of every site who filters none reads the refunds of every site together
    (RefundTimeDay)."""
    refunds = (
        rollup_rows(RefundTimeDay if every_site(scope, filters) else RefundDay, scope=scope, filters=filters)
        .annotate(month=TruncMonth("day"))
        .values("month", "days", "within_legal")
        .annotate(n=Sum("refunds"), total=Sum("amount"))
    )
    times, refund_months = refund_times(refunds)
    cost_rows = rollup_rows(CostDay, scope=scope, filters=filters)
    cost_months = {
        month_of(row["month"]): _costs(row)
        for row in cost_rows.annotate(month=TruncMonth("day")).values("month").annotate(**_COST_SUMS)
    }
    months = sorted(set(refund_months) | set(cost_months))
    by_disposition: dict[str, Recovery] = {}
    by_grade: dict[str, Recovery] = {}
    recovery = Recovery()
    recovery_rows = rollup_rows(RecoveryDay, scope=scope, filters=filters).values("disposition", "grade")
    for row in recovery_rows.annotate(n=Sum("units"), v=Sum("value"), r=Sum("recovered")):
        found = Recovery(row["n"], row["v"], row["r"])
        by_disposition[row["disposition"]] = _recovery_add(by_disposition.get(row["disposition"], Recovery()), found)
        by_grade[row["grade"]] = _recovery_add(by_grade.get(row["grade"], Recovery()), found)
        recovery = _recovery_add(recovery, found)
    costs = Costs()
    for month_costs in cost_months.values():
        costs = _costs_add(costs, month_costs)
    return MoneyReport(
        times=times,
        months=[(month, refund_months.get(month, RefundTimes()), cost_months.get(month, Costs())) for month in months],
        costs=costs,
        by_disposition=_recoveries(by_disposition),
        by_grade=_recoveries(by_grade),
        recovery=recovery,
    )
