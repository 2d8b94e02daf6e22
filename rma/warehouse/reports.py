"""Report files of the warehouse: the shipment discrepancies as CSV (pages and API write the same columns)."""

import csv
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse

from rma.warehouse.models import Discrepancy

DISCREPANCY_CSV_COLUMNS = [
    "recorded_at",
    "warehouse",
    "shop",
    "shipment",
    "carton",
    "kind",
    "sku",
    "announced_sku",
    "rma_number",
    "announced_carton",
    "announced_quantity",
    "found_quantity",
    "quantity",
    "note",
    "recorded_by",
]


def discrepancy_csv_row(d: Discrepancy) -> list[Any]:
    return [
        d.created_at.isoformat(),
        d.warehouse.code,
        d.shipment.store.code,
        d.shipment.number,
        d.carton.barcode if d.carton else "",
        d.kind,
        d.sku,
        d.expected_sku,
        d.rma_number,
        d.announced_carton,
        d.expected_quantity,
        d.found_quantity,
        d.quantity,
        d.description,
        d.created_by.get_username() if d.created_by else "",
    ]


def discrepancies_csv_response(*, discrepancies: QuerySet[Discrepancy]) -> HttpResponse:
    """The whole selection as a CSV download, read in chunks."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="shipment-discrepancies.csv"'
    writer = csv.writer(response)
    writer.writerow(DISCREPANCY_CSV_COLUMNS)
    for row in discrepancies.iterator(chunk_size=2000):
        writer.writerow(discrepancy_csv_row(row))
    return response
