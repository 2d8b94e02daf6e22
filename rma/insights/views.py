"""The reports' pages: the carbon footprint of returns (with its CSV)."""

import csv
from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rma.core.formatting import choice_label, number
from rma.insights.access import report_reader
from rma.insights.analytics import Scope, filters_from
from rma.insights.charts import paired_bars
from rma.insights.footprint import (
    FootprintFigures,
    FootprintReport,
    factor_sets,
    footprint_report,
    footprint_rows,
)
from rma.insights.forms import AnalyticsFilterForm, default_period
from rma.insights.refresh import refreshed_label
from rma.locations.choices import DropOffMethod


def kilograms(grams: int) -> str:
    return number(round(grams / 1000, 1), decimal_pos=1)


def percent(share: float) -> str:
    return number(round(share * 100), decimal_pos=0) + "\u00a0%"


def _figures_row(label: str, figures: FootprintFigures) -> dict[str, Any]:
    return {
        "label": label,
        "returns": figures.returns,
        "kg": kilograms(figures.grams),
        "average_g": figures.average_g,
        "baseline_kg": kilograms(figures.baseline_g),
        "saved_kg": kilograms(figures.saved_g),
        "greener": percent(figures.greener_share),
        "walked": figures.walked,
    }


def _context(report: FootprintReport) -> dict[str, Any]:
    months = [(date_format(month, "YEAR_MONTH_FORMAT"), figures) for month, figures in report.months]
    chart = paired_bars(
        labels=[date_format(month, "M y") for month, _figures in report.months],
        pairs=[(figures.grams, figures.baseline_g) for _month, figures in report.months],
        titles=[
            (
                _("%(month)s, estimated: %(kg)s kg") % {"month": label, "kg": kilograms(figures.grams)},
                _("%(month)s, all collected at home: %(kg)s kg")
                % {"month": label, "kg": kilograms(figures.baseline_g)},
            )
            for label, figures in months
        ],
    )
    return {
        "report": report,
        "total": _figures_row(_("All"), report.total),
        "months": [_figures_row(label, figures) for label, figures in months],
        "methods": [_figures_row(choice_label(DropOffMethod, method), figures) for method, figures in report.methods],
        "chart": chart,
        "sources": settings.RMA_CARBON_FACTORS_SOURCES,
    }


CSV_COLUMNS = [
    "month",
    "method",
    "returns",
    "grams_co2e",
    "baseline_grams_co2e",
    "saved_grams_co2e",
    "greener",
    "walked",
]


def footprint_csv(report_rows: list[tuple[date, str, FootprintFigures]], versions: list[str]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="returns-footprint.csv"'
    response["X-Factor-Sets"] = ",".join(versions)
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for month, method, figures in report_rows:
        writer.writerow(
            [
                month.strftime("%Y-%m"),
                method,
                figures.returns,
                figures.grams,
                figures.baseline_g,
                figures.saved_g,
                figures.greener,
                figures.walked,
            ]
        )
    return response


@require_GET
@report_reader
def footprint(request: HttpRequest) -> HttpResponse:
    """What the returns of a period emitted, by month and drop-off method, against all of them collected at home."""
    query = request.GET.copy()
    default_start, default_end = default_period(timezone.localdate())  # the last twelve months, in the fields
    query.setdefault("start", default_start.isoformat())
    query.setdefault("end", default_end.isoformat())
    form = AnalyticsFilterForm(query, user=request.user)  # type: ignore[arg-type]
    if not form.is_valid():
        return render(request, "insights/footprint.html", {"form": form}, status=400)
    data = form.cleaned_data
    scope, filters = Scope.of(request.user), filters_from(data)
    if request.GET.get("format") == "csv":
        return footprint_csv(footprint_rows(scope=scope, filters=filters), factor_sets(scope=scope, filters=filters))
    report = footprint_report(scope=scope, filters=filters)
    context = {"form": form, **_context(report), "refreshed": refreshed_label()}
    return render(request, "insights/footprint.html", context)
