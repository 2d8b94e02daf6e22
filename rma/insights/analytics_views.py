"""The analytics pages (return rate, reasons and outcomes, refunds and costs, shop shipments) and their CSV: each
page is a sheet (rma.insights.sheets) shown as headline figures, a chart and its tables."""

import csv
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from rma.core.formatting import money, number
from rma.insights.access import report_reader
from rma.insights.analytics import Scope, filters_from
from rma.insights.charts import Bars, bars
from rma.insights.forms import AnalyticsFilterForm, default_period
from rma.insights.refresh import refreshed_label
from rma.insights.sheets import SHEETS, Sheet, Table, plain

TITLES = {
    "rates": gettext_lazy("Return rate"),
    "reasons": gettext_lazy("Reasons and outcomes"),
    "refunds": gettext_lazy("Refunds, costs and recovery"),
    "shipments": gettext_lazy("Shipments from shops"),
}
# Which table each page draws, and which of its columns: (table, label column, value column).
CHARTS = {
    "rates": ("months", "month", "rate"),
    "reasons": ("reasons", "label", "units"),
    "refunds": ("days", "days", "refunds"),
    "shipments": ("shops", "label", "shipments"),
}


def cell(kind: str, value: Any) -> str:
    """A value in the reader's language: "12,5 %", "3 days", "49,90 €"; "—" for a figure that has no value."""
    if value is None or value == "":
        return "—"
    if kind == "share":
        return number(round(value * 100, 1), decimal_pos=1) + "\u00a0%"
    if kind == "money":
        return money(value)
    if kind == "days":
        return _("%(days)s d") % {"days": number(value)}
    if kind == "int":
        return number(value)
    return str(value)


@dataclass(frozen=True)
class ShownTable:
    name: str
    title: str
    headers: list[str]
    kinds: list[str]
    rows: list[list[tuple[str, bool]]]  # each cell's text, and whether it is a number (aligned right)


def _shown(table: Table) -> ShownTable:
    return ShownTable(
        table.name,
        str(table.title),
        [str(column.label) for column in table.columns],
        [column.kind for column in table.columns],
        [[(cell(c.kind, row.get(c.key)), c.kind != "text") for c in table.columns] for row in table.rows],
    )


def _chart(sheet: Sheet) -> tuple[Bars, str] | None:
    name, label_key, value_key = CHARTS[sheet.name]
    table = sheet.table(name)
    if table is None or not table.rows:
        return None
    kind = next(column.kind for column in table.columns if column.key == value_key)
    title = next(str(column.label) for column in table.columns if column.key == value_key)
    rows = table.rows[:24]
    labels = [str(row.get(label_key)) for row in rows]
    chart = bars(
        labels=labels,
        values=[float(row.get(value_key) or 0) for row in rows],
        titles=[f"{label}: {cell(kind, row.get(value_key))}" for label, row in zip(labels, rows, strict=True)],
    )
    return chart, _("%(figure)s, %(table)s; the table gives the figures.") % {
        "figure": title,
        "table": str(table.title).lower(),
    }


def sheet_csv(sheet: Sheet, table: Table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="returns-{sheet.name}-{table.name}.csv"'
    writer = csv.writer(response)
    writer.writerow([column.key for column in table.columns])
    for row in table.rows:
        writer.writerow(["" if row.get(c.key) is None else plain(row.get(c.key)) for c in table.columns])
    return response


@require_GET
@report_reader
def analytics(request: HttpRequest, sheet: str) -> HttpResponse:
    if sheet not in SHEETS:
        raise Http404
    query = request.GET.copy()
    default_start, default_end = default_period(timezone.localdate())
    query.setdefault("start", default_start.isoformat())
    query.setdefault("end", default_end.isoformat())
    form = AnalyticsFilterForm(query, user=request.user)  # type: ignore[arg-type]
    context: dict[str, Any] = {"form": form, "title": TITLES[sheet], "sheet_name": sheet}
    if not form.is_valid():
        return render(request, "insights/analytics.html", context, status=400)
    built = SHEETS[sheet](scope=Scope.of(request.user), filters=filters_from(form.cleaned_data))
    if request.GET.get("format") == "csv":
        table = built.table(request.GET.get("table") or built.tables[0].name)
        if table is None:
            return render(request, "insights/analytics.html", {**context, "unknown_table": True}, status=400)
        return sheet_csv(built, table)
    context.update(
        sheet=built,
        figures=[(str(column.label), cell(column.kind, value), column.key) for column, value in built.figures],
        tables=[_shown(table) for table in built.tables],
        chart=_chart(built),
        chart_for=CHARTS[sheet][0],
        refreshed=refreshed_label(),
    )
    return render(request, "insights/analytics.html", context)
