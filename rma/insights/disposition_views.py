"""The disposition disclosure's page and its exports (CSV and JSON): what became of the returned units of a year."""

import csv
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rma.core.formatting import choice_label, weight
from rma.insights.access import report_reader
from rma.insights.analytics import Scope
from rma.insights.dispositions import DispositionRow, Treatment, disposition_rows
from rma.insights.forms import DispositionFilterForm
from rma.insights.refresh import refreshed_label
from rma.orders.choices import Category
from rma.warehouse.choices import Derogation

# weight_kg_estimated: the row's weight, the published weights of its units and the estimate of the others (the
# name is kept for the exports' readers); weight_source and the two counts say which.
EXPORT_COLUMNS = [
    "year", "category", "treatment", "discarded", "waste_operation", "derogation", "units", "weight_kg_estimated",
    "weight_source", "units_weight_published", "units_weight_estimated",
]  # fmt: skip


def _export_row(row: DispositionRow) -> dict[str, Any]:
    return {
        "year": row.year,
        "category": row.category,
        "treatment": row.treatment,
        "discarded": row.discarded,
        "waste_operation": row.waste_operation,
        "derogation": row.derogation,
        "units": row.units,
        "weight_kg_estimated": round(row.weight_g / 1000, 3),
        "weight_source": row.weight_source,
        "units_weight_published": row.units_published,
        "units_weight_estimated": row.units_estimated,
    }


def _csv(rows: list[DispositionRow], year: int) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="returns-dispositions-{year}.csv"'
    writer = csv.DictWriter(response, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(_export_row(row))
    return response


def _by_category(rows: list[DispositionRow]) -> list[dict[str, Any]]:
    """Per category: its rows with their labels, and its totals (all units, and those discarded)."""
    categories: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = categories.setdefault(
            row.category,
            {"label": choice_label(Category, row.category), "rows": [], "units": 0, "weight_g": 0, "discarded": 0},
        )
        entry["rows"].append(
            {
                "treatment": row.treatment,
                "label": choice_label(Treatment, row.treatment),
                "derogation": choice_label(Derogation, row.derogation) if row.derogation else "",
                "units": row.units,
                "weight": weight(row.weight_g),
                "weight_source": row.weight_source,
                "units_published": row.units_published,
                "units_estimated": row.units_estimated,
                "discarded": row.discarded,
            }
        )
        entry["units"] += row.units
        entry["weight_g"] += row.weight_g
        entry["discarded"] += row.units if row.discarded else 0
    for entry in categories.values():
        entry["weight"] = weight(entry["weight_g"])
    return list(categories.values())


@require_GET
@report_reader
def dispositions(request: HttpRequest) -> HttpResponse:
    """What became of the returned units of a year, by category (ESPR art. 24, AGEC); ?format=csv or json exports."""
    query = request.GET.copy()
    query.setdefault("year", str(timezone.localdate().year))  # this year, shown in its field
    form = DispositionFilterForm(query, user=request.user)  # type: ignore[arg-type]
    if not form.is_valid():
        if request.GET.get("format") == "json":
            return JsonResponse({"error": {"code": "invalid", "details": form.errors}}, status=400)
        return render(request, "insights/dispositions.html", {"form": form}, status=400)
    data = form.cleaned_data
    year = data["year"]
    rows = disposition_rows(
        scope=Scope.of(request.user),
        year=year,
        store=data.get("store"),
        warehouse=data.get("warehouse"),
        category=data.get("category", ""),
    )
    if request.GET.get("format") == "csv":
        return _csv(rows, year)
    if request.GET.get("format") == "json":
        response = JsonResponse(
            {
                "year": year,
                "weights": "published by the shop per unit where known, else estimated per category",
                "rows": [_export_row(row) for row in rows],
            },
            json_dumps_params={"indent": 1},
        )
        response["Content-Disposition"] = f'attachment; filename="returns-dispositions-{year}.json"'
        return response
    context = {
        "form": form,
        "year": year,
        "categories": _by_category(rows),
        "units": sum(row.units for row in rows),
        "discarded": sum(row.units for row in rows if row.discarded),
        "destroyed": sum(row.units for row in rows if row.treatment == Treatment.DESTROYED),
        "refreshed": refreshed_label(),
    }
    return render(request, "insights/dispositions.html", context)
