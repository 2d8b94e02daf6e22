"""The board's rows as the texts of their cells, worked out in Python once per row (templates/warehouse/rows/).

The board shows up to a hundred rows. Written as template expressions, each cell cost a lookup per dotted name, a
method call for a status label, a date filter with its time zone and format, and a plural translation: 300 to 600
function calls a row, most of the board's time. A cell here is one dictionary lookup in the template. What each row
says is decided by the selectors' row types (`expected_row`, `refund_due_row`, `expected_shipment_row`), which the
API's board lists share.
"""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from rma.core.formatting import counted
from rma.locations.models import Warehouse
from rma.warehouse.models import UnexpectedParcel
from rma.warehouse.selectors import ExpectedRow, ExpectedShipmentRow, RefundDueRow

Cells = dict[str, Any]


def _dated(value: datetime, format_name: str) -> str:
    """A datetime in the reader's time zone and format, as the template's `date` filter writes it."""
    return date_format(timezone.localtime(value), format_name)


def _code(warehouse: Warehouse | None) -> str:
    return warehouse.code if warehouse is not None else ""


def awaiting_cells(rows: list[RefundDueRow], return_url: str) -> list[Cells]:
    """Received returns and their refund deadline: overdue, due soon (with the days left) or not yet."""
    days_left = counted("%(counter)s day left", "%(counter)s days left")
    return [
        {
            "url": f"{return_url}{row.return_request.public_id}/",
            "rma": row.return_request.rma_number,
            "order": row.return_request.order.number,
            "status": row.return_request.get_status_display(),
            "received": _dated(row.received_at, "SHORT_DATETIME_FORMAT"),
            "due_by": _dated(row.due_by, "SHORT_DATE_FORMAT"),
            "overdue": row.overdue,
            "due_soon": row.due_soon,
            "days_left": days_left(row.days_left),
        }
        for row in rows
    ]


def expected_cells(rows: list[ExpectedRow]) -> list[Cells]:
    """Returns on their way, with their age in words, late or at the dock."""
    days = counted("%(counter)s day", "%(counter)s days")
    return [
        {
            "rma": row.return_request.rma_number,
            "tracking": row.tracking_number or "—",
            "status": row.return_request.get_status_display(),
            "at_dock": row.at_dock,
            "warehouse": _code(row.return_request.destination_warehouse),
            "age": days(row.age_days),
            "late": row.late,
        }
        for row in rows
    ]


def shipment_cells(rows: list[ExpectedShipmentRow], shipment_url: str) -> list[Cells]:
    """Shops' shipments announced or on their way, with their cartons received and their age in words."""
    days = counted("%(counter)s day", "%(counter)s days")
    return [
        {
            "url": f"{shipment_url}{row.shipment.public_id}/",
            "number": row.shipment.number,
            "shop": row.shipment.store.name,
            "status": row.shipment.get_status_display(),
            "received": row.received_count,
            "cartons": row.carton_count,
            "age": days(row.age_days),
            "late": row.late,
        }
        for row in rows
    ]


def unexpected_cells(parcels: list[UnexpectedParcel], unexpected_url: str) -> list[Cells]:
    """Parcels scanned without a match, with why and when."""
    return [
        {
            "url": f"{unexpected_url}{parcel.pk}/",
            "code": parcel.scanned_code,
            "why": parcel.get_reason_display(),
            "scanned": _dated(parcel.created_at, "SHORT_DATETIME_FORMAT"),
            "warehouse": parcel.warehouse.code,
        }
        for parcel in parcels
    ]
