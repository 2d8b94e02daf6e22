"""The analytics reports as sheets: headline figures and tables of plain values, which the pages format in the
reader's language, the CSV writes one table of, and the API returns whole. One shape for the three, so that a
figure on the page is the figure in the export."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rma.core.formatting import choice_label
from rma.insights.analytics import Filters, Rate, Scope, rate_report, share
from rma.insights.breakdowns import money_report, reason_report
from rma.insights.models import Outcome
from rma.insights.shipments import shipment_report
from rma.locations.models import Store
from rma.orders.choices import Category, Channel
from rma.warehouse.choices import DiscrepancyKind, DispositionKind

# How a value is shown: "text", "int", "money", "share" (0–1, as a percentage), "days".
Kind = str


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy translation
    kind: Kind = "int"


@dataclass
class Table:
    name: str
    title: Any
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Sheet:
    name: str
    figures: list[tuple[Column, Any]]  # the headline figures
    tables: list[Table]
    notes: list[Any] = field(default_factory=list)  # where the figures come from

    def table(self, name: str) -> Table | None:
        return next((table for table in self.tables if table.name == name), None)


def _month(month: Any) -> str:
    return month.strftime("%Y-%m")


RATE_COLUMNS = [
    Column("sold", _("Units sold")),
    Column("returned", _("Units returned")),
    Column("rate", _("Return rate"), "share"),
    Column("returned_value", _("Value returned"), "money"),
]


def _rate_row(key: str, value: Any, rate: Rate, label: Any = None) -> dict[str, Any]:
    row = {key: value, "sold": rate.sold, "returned": rate.returned, "rate": rate.rate}
    row["returned_value"] = rate.returned_value
    if label is not None:
        row["label"] = label
    return row


def rates_sheet(*, scope: Scope, filters: Filters) -> Sheet:
    report = rate_report(scope=scope, filters=filters)
    stores = Store.objects.in_bulk([key for key, _rate in report.by["store"] if key is not None])

    def by(name: str, title: Any, first: Column, label: Callable[[Any], Any] | None = None) -> Table:
        rows = [_rate_row(first.key, key, rate, label(key) if label else None) for key, rate in report.by[name]]
        columns = [first, *([Column("label", _("Name"), "text")] if label else []), *RATE_COLUMNS]
        return Table(name, title, columns, rows)

    tables = [
        Table(
            "months",
            _("By month"),
            [Column("month", _("Month"), "text"), *RATE_COLUMNS],
            [_rate_row("month", _month(month), rate) for month, rate in report.months],
        ),
        by(
            "category",
            _("By category"),
            Column("category", _("Category"), "text"),
            lambda v: choice_label(Category, v),
        ),
        by(
            "channel",
            _("By sales channel"),
            Column("channel", _("Channel"), "text"),
            lambda v: choice_label(Channel, v),
        ),
        by(
            "store",
            _("By shop"),
            Column("store", _("Shop"), "text"),
            lambda v: stores[v].name if v in stores else _("Online and other channels"),
        ),
        by("product", _("Most returned products"), Column("product", _("Product"), "text")),
        by("sku", _("Most returned SKUs"), Column("sku", _("SKU"), "text")),
    ]
    for row in tables[3].rows:  # a shop's code, not its id, in the exports
        row["store"] = stores[row["store"]].code if row["store"] in stores else ""
    figures = [
        (Column("sold", _("Units sold")), report.total.sold),
        (Column("returned", _("Units returned")), report.total.returned),
        (Column("rate", _("Return rate"), "share"), report.total.rate if report.sales_known else None),
        (Column("returned_value", _("Value returned"), "money"), report.total.returned_value),
    ]
    notes = [
        _(
            "Units in the returns requested in the period (rejected, cancelled and expired ones left out), against "
            "the units of the orders placed in it. A shop's rate counts the units returned through it against the "
            "units it sold; a warehouse sells nothing, so its view has no rate."
        ),
    ]
    return Sheet("rates", figures, tables, notes)


def reasons_sheet(*, scope: Scope, filters: Filters) -> Sheet:
    report = reason_report(scope=scope, filters=filters)
    reasons = [
        {
            "reason": reason.code if reason else "",
            "label": reason.label if reason else _("No reason"),
            "units": units.units,
            "share": share(units.units, report.total.units),
            "rate": share(units.units, report.sold) if report.sold is not None else None,
            "value": units.value,
        }
        for reason, units in report.reasons
    ]
    names = {row["reason"]: row["label"] for row in reasons}
    top = [reason.code if reason else "" for reason, _units in report.reasons[:5]]
    codes = {reason.pk if reason else None: reason.code if reason else "" for reason, _units in report.reasons}
    trend_rows = []
    for month, units in report.trend:
        by_code = {codes.get(pk, ""): n for pk, n in units.items()}
        row: dict[str, Any] = {"month": _month(month)}
        row.update({code or "none": by_code.get(code, 0) for code in top})
        row["other"] = sum(n for code, n in by_code.items() if code not in top)
        trend_rows.append(row)
    outcome_rows = [
        {
            "outcome": name,
            "label": choice_label(Outcome, name),
            "returns": units.returns,
            "units": units.units,
            "value": units.value,
            "share": share(units.returns, report.total.returns) if name != Outcome.WITHDRAWN else None,
        }
        for name, units in report.outcomes
    ]
    tables = [
        Table(
            "reasons",
            _("Top reasons"),
            [
                Column("reason", _("Code"), "text"),
                Column("label", _("Reason"), "text"),
                Column("units", _("Units")),
                Column("share", _("Share of units"), "share"),
                Column("rate", _("Return rate"), "share"),
                Column("value", _("Value"), "money"),
            ],
            reasons,
        ),
        Table(
            "trend",
            _("Reasons by month"),
            [
                Column("month", _("Month"), "text"),
                *[Column(code or "none", names.get(code, code), "int") for code in top],
                Column("other", _("Other reasons")),
            ],
            trend_rows,
        ),
        Table(
            "outcomes",
            _("Outcomes"),
            [
                Column("outcome", _("Code"), "text"),
                Column("label", _("Outcome"), "text"),
                Column("returns", _("Returns")),
                Column("units", _("Units")),
                Column("value", _("Value"), "money"),
                Column("share", _("Share of returns"), "share"),
            ],
            outcome_rows,
        ),
    ]
    figures = [
        (Column("returns", _("Returns")), report.total.returns),
        (Column("units", _("Units returned")), report.total.units),
        (Column("settled", _("Settled")), report.settled),
        (Column("kept", _("Revenue kept by store credit and exchanges"), "money"), report.kept),
    ]
    notes = [
        _(
            "Returns requested in the period. Each return counts once, under its first line's category; its "
            "units count under their own reason. Revenue kept: the value of the goods of the returns settled by "
            "store credit or an exchange instead of a refund."
        ),
        _(
            "A reason's return rate: its units returned over the units sold in the period; a warehouse sells "
            "nothing, so its view has none."
        ),
    ]
    return Sheet("reasons", figures, tables, notes)


def money_sheet(*, scope: Scope, filters: Filters) -> Sheet:
    report = money_report(scope=scope, filters=filters)
    costs = report.costs
    months = [
        {
            "month": _month(month),
            "refunds": times.count,
            "p50": times.percentile(50),
            "p90": times.percentile(90),
            "within_share": times.within_share,
            "returns": cost.returns,
            "cost": cost.net,
            "per_return": cost.per_return,
        }
        for month, times, cost in report.months
    ]
    days = [{"days": days, "refunds": n} for days, n in sorted(report.times.days.items())]

    def recovery_rows(key: str, items: list[tuple[str, Any]], label: Callable[[str], Any]) -> list[dict[str, Any]]:
        return [
            {
                key: name,
                "label": label(name),
                "units": item.units,
                "value": item.value,
                "recovered": item.recovered,
                "share": item.share,
            }
            for name, item in items
        ]

    recovery_columns = [
        Column("label", _("Name"), "text"),
        Column("units", _("Units")),
        Column("value", _("Price paid"), "money"),
        Column("recovered", _("Value recovered"), "money"),
        Column("share", _("Recovered"), "share"),
    ]
    tables = [
        Table(
            "months",
            _("By month"),
            [
                Column("month", _("Month"), "text"),
                Column("refunds", _("Refunds")),
                Column("p50", _("Median"), "days"),
                Column("p90", _("9 in 10 within"), "days"),
                Column("within_share", _("Within 14 days of receipt"), "share"),
                Column("returns", _("Returns")),
                Column("cost", _("Net cost"), "money"),
                Column("per_return", _("Cost per return"), "money"),
            ],
            months,
        ),
        Table(
            "days",
            _("Days from request to refund"),
            [Column("days", _("Days")), Column("refunds", _("Refunds"))],
            days,
        ),
        Table(
            "costs",
            _("What returns cost"),
            [Column("item", _("Item"), "text"), Column("amount", _("Amount"), "money")],
            [
                {"item": _("Labels (%(count)s)") % {"count": costs.labels}, "amount": costs.label_cost},
                {
                    "item": _("Handling (%(count)s units)") % {"count": costs.units_handled},
                    "amount": costs.handling_cost,
                },
                {"item": _("Fees charged to customers"), "amount": -costs.fees},
                {"item": _("Deducted from refunds"), "amount": -costs.deductions},
                {"item": _("Net cost"), "amount": costs.net},
            ],
        ),
        Table(
            "dispositions",
            _("Value recovered by disposition"),
            [Column("disposition", _("Code"), "text"), *recovery_columns],
            recovery_rows(
                "disposition",
                report.by_disposition,
                lambda v: choice_label(DispositionKind, v) if v else _("Not decided yet"),
            ),
        ),
        Table(
            "grades",
            _("Value recovered by grade"),
            [Column("grade", _("Code"), "text"), *recovery_columns],
            recovery_rows("grade", report.by_grade, lambda v: v or _("Not graded (missing or wrong item)")),
        ),
    ]
    for row in tables[2].rows:
        row["item"] = str(row["item"])
    figures = [
        (Column("refunds", _("Refunds")), report.times.count),
        (Column("p50", _("Median time to refund"), "days"), report.times.percentile(50)),
        (Column("p90", _("9 in 10 refunded within"), "days"), report.times.percentile(90)),
        (Column("within_share", _("Refunded within 14 days of receipt"), "share"), report.times.within_share),
        (Column("per_return", _("Cost per return"), "money"), costs.per_return),
        (Column("recovered", _("Value recovered"), "money"), report.recovery.recovered),
    ]
    notes = [
        _(
            "Days from the request to the refund, rounded up, for the returns requested in the period; the law asks "
            "for refunds within 14 days of receiving the goods. Costs are estimates: a label at its carrier's price "
            "and handling per unit inspected (settings RMA_INSIGHTS_LABEL_COST and RMA_INSIGHTS_HANDLING_COST), less "
            "the fees charged and the deductions made. Value recovered: the price paid times the grade's recovery "
            "share."
        ),
    ]
    return Sheet("refunds", figures, tables, notes)


def shipments_sheet(*, scope: Scope, filters: Filters) -> Sheet:
    total, shops = shipment_report(scope=scope, filters=filters)
    kinds = list(DiscrepancyKind.values)

    def row(code: str, name: str, figures: Any) -> dict[str, Any]:
        values = {
            "store": code,
            "label": name,
            "shipments": figures.shipments,
            "cartons": figures.cartons,
            "units": figures.units,
            "received": figures.received,
            "flagged": figures.with_discrepancies,
            "flagged_share": figures.discrepancy_share,
        }
        values.update({kind: figures.discrepancies.get(kind, 0) for kind in kinds})
        return values

    columns = [
        Column("store", _("Code"), "text"),
        Column("label", _("Shop"), "text"),
        Column("shipments", _("Shipments")),
        Column("cartons", _("Cartons")),
        Column("units", _("Units")),
        Column("received", _("Received")),
        Column("flagged", _("With discrepancies")),
        Column("flagged_share", _("Share with discrepancies"), "share"),
        *[Column(kind, choice_label(DiscrepancyKind, kind)) for kind in kinds],
    ]
    tables = [
        Table("shops", _("By shop"), columns, [row(store.code, store.name, figures) for store, figures in shops])
    ]
    figures = [
        (Column("shipments", _("Shipments dispatched")), total.shipments),
        (Column("units", _("Units sent")), total.units),
        (Column("flagged_share", _("Received with discrepancies"), "share"), total.discrepancy_share),
        (Column("discrepancy_units", _("Units in discrepancies")), sum(total.discrepancies.values())),
    ]
    notes = [
        _("Shipments dispatched by the shops in the period, and what the warehouses found on receipt."),
        _("The category filter does not apply here: a shipment mixes categories."),
    ]
    return Sheet("shipments", figures, tables, notes)


SHEETS: dict[str, Callable[..., Sheet]] = {
    "rates": rates_sheet,
    "reasons": reasons_sheet,
    "refunds": money_sheet,
    "shipments": shipments_sheet,
}


def plain(value: Any) -> Any:
    """A value as the API and the CSV give it: decimals as strings with two places, shares rounded."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float):
        return round(value, 4)
    return str(value) if isinstance(value, Promise) else value
