"""Warehouse pages: reports of destroyed units and of discrepancies in shops' shipments."""

import csv
from typing import Any

from django.http import HttpResponse

from rma.core.formatting import choice_label
from rma.orders.choices import Category
from rma.warehouse import selectors
from rma.warehouse.choices import Derogation, DiscrepancyKind
from rma.warehouse.forms import DiscrepancyReportForm, ReportPeriodForm
from rma.warehouse.reports import discrepancies_csv_response
from rma.warehouse.views.common import WarehouseRequest, render_page, warehouse_view

REPORT_ROWS = 500  # rows a report's page lists; its totals and its CSV count them all


@warehouse_view
def destroyed_report(request: WarehouseRequest) -> HttpResponse:
    """Units destroyed, with their legal derogation: the basis of the ESPR art. 24 annual disclosure."""
    form = ReportPeriodForm(request.GET or None)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    units = selectors.destroyed_units(warehouses=request.warehouses, start=start, end=end)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="destroyed-units.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["confirmed_at", "warehouse", "rma_number", "sku", "name", "category", "grade", "derogation",
             "derogation_note", "unit_price", "confirmed_by"]
        )  # fmt: skip
        for d in units.iterator(chunk_size=2000):
            line = d.inspection.return_line
            writer.writerow(
                [
                    d.confirmed_at.isoformat(),
                    line.return_request.destination_warehouse.code
                    if line.return_request.destination_warehouse
                    else "",
                    line.return_request.rma_number,
                    line.order_line.sku,
                    line.order_line.name,
                    line.order_line.category,
                    d.inspection.grade.code if d.inspection.grade else "",
                    d.derogation,
                    d.derogation_note,
                    line.order_line.unit_price,
                    d.confirmed_by.get_username() if d.confirmed_by else "",
                ]
            )
        return response
    totals = sorted(
        ((choice_label(Category, category), choice_label(Derogation, derogation)), count)
        for category, derogation, count in selectors.destroyed_totals(units=units)
    )
    return render_page(
        request,
        "warehouse/destroyed_report.html",
        # The totals count every unit of the period; the page lists the first rows, the CSV all of them.
        {"form": form, "rows": list(units[:REPORT_ROWS]), "totals": totals, "rows_max": REPORT_ROWS},
    )


@warehouse_view
def discrepancies_report(request: WarehouseRequest) -> HttpResponse:
    """What shops' shipments lacked or held in excess, by shop and period (CSV too)."""
    stores = [(s.code, f"{s.code} · {s.name}") for s in selectors.stores_shipping_to(warehouses=request.warehouses)]
    form = DiscrepancyReportForm(request.GET or None, stores=stores)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {key: form.cleaned_data[key] for key in ("start", "end", "store", "kind")}
    queryset = selectors.discrepancies_report(warehouses=request.warehouses, **filters)
    if request.GET.get("format") == "csv":
        return discrepancies_csv_response(discrepancies=queryset)
    kinds = dict(DiscrepancyKind.choices)
    totals = [
        {**row, "kind_label": kinds.get(row["kind"], row["kind"])}
        for row in selectors.discrepancies_by_shop(discrepancies=queryset)
    ]
    return render_page(
        request,
        "warehouse/discrepancies_report.html",
        {"form": form, "rows": list(queryset[:REPORT_ROWS]), "totals": totals, "query": request.GET.urlencode()},
    )
