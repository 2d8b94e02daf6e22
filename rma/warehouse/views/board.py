"""Warehouse pages: the board, the scan box and switching warehouse."""

from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rma.core.exceptions import DomainError
from rma.core.http import url_prefix
from rma.locations.models import Warehouse
from rma.warehouse import selectors
from rma.warehouse.forms import ScanForm
from rma.warehouse.services import ScanOutcome, ScanResult, arrival_register
from rma.warehouse.views.board_cells import Cells, awaiting_cells, expected_cells, shipment_cells, unexpected_cells
from rma.warehouse.views.common import WAREHOUSE_PAGES, WarehouseRequest, render_page, warehouse_view

_ANY_UUID = UUID(int=0)
# What the rows show (templates/warehouse/rows/) and their age needs: a shop's other columns (its opening hours, a
# JSON document) and the other warehouse or user columns cost each row their loading only.
_SHIPMENT_COLUMNS = ("public_id", "number", "status", "dispatched_at", "closed_at", "created_at", "store__name")
_PARCEL_COLUMNS = ("scanned_code", "reason", "created_at", "warehouse__code")


def expected_rows(warehouses: list[Warehouse], start: int, stop: int, now: datetime) -> list[Cells]:
    """Returns on their way, oldest move first, with their age in words."""
    rows = [
        selectors.expected_row(return_request=r, now=now)
        for r in selectors.returns_expected(warehouses=warehouses)[start:stop]
    ]
    return expected_cells(rows)


def awaiting_rows(warehouses: list[Warehouse], start: int, stop: int, now: datetime) -> list[Cells]:
    """Received returns whose refund is not released yet, oldest receipt first, with the legal deadline."""
    rows = [
        selectors.refund_due_row(return_request=r, now=now)
        for r in selectors.returns_awaiting_refund(warehouses=warehouses)[start:stop]
    ]
    return awaiting_cells(rows, url_prefix("warehouse:return", sample=_ANY_UUID))


def shipment_rows(warehouses: list[Warehouse], start: int, stop: int, now: datetime) -> list[Cells]:
    """Shops' shipments announced or on their way, oldest first, with their age in words."""
    shipments = (
        selectors.shipments_expected(warehouses=warehouses)
        .select_related(None)
        .select_related("store")
        .only(*_SHIPMENT_COLUMNS)
    )
    rows = [selectors.expected_shipment_row(shipment=s, now=now) for s in shipments[start:stop]]
    return shipment_cells(rows, url_prefix("warehouse:shipment", sample=_ANY_UUID))


def unexpected_rows(warehouses: list[Warehouse], start: int, stop: int, now: datetime) -> list[Cells]:
    """Parcels scanned without a match, the latest first."""
    parcels = (
        selectors.unexpected_parcels_open(warehouses=warehouses)
        .select_related(None)
        .select_related("warehouse")
        .only(*_PARCEL_COLUMNS)
    )
    return unexpected_cells(list(parcels[start:stop]), url_prefix("warehouse:unexpected", sample=0))


@warehouse_view
def board(request: WarehouseRequest) -> HttpResponse:
    """The most urgent rows of each list (received returns and their refund deadline, returns on their way, shops'
    shipments, unexpected parcels), each list's figures, and links to the whole lists (`board_list`).

    Its cost does not grow with what is in flight: `RMA_WAREHOUSE_BOARD_ROWS` rows per list, each row's cells worked
    out in Python (`board_cells`: a reversed URL prefix per list, one translation per distinct age, `choice_label`),
    and figures counted by the database over a bounded number of rows (`selectors.board_counts`).
    """
    warehouses = request.warehouses
    now = timezone.now()
    rows = settings.RMA_WAREHOUSE_BOARD_ROWS
    expected = expected_rows(warehouses, 0, rows, now)
    expected.sort(key=lambda row: not row["at_dock"])  # delivered by the carrier first: they wait at the dock
    return render_page(
        request,
        "warehouse/board.html",
        {
            "counts": selectors.board_counts(warehouses=warehouses, now=now),
            "expected": expected,
            "awaiting": awaiting_rows(warehouses, 0, rows, now),
            "shipments": shipment_rows(warehouses, 0, rows, now),
            "unexpected": unexpected_rows(warehouses, 0, rows, now),
        },
    )


@require_POST
@warehouse_view
def switch_warehouse(request: WarehouseRequest) -> HttpResponse:
    return WAREHOUSE_PAGES.switch(request)


@require_POST
@warehouse_view
def scan(request: WarehouseRequest) -> HttpResponse:
    """A scanner types the code and Enter: open the return, the carton or shipment, or the unexpected parcel."""
    form = ScanForm(request.POST)
    if request.current_warehouse is None:
        return _no_warehouse(request)
    if not form.is_valid():
        messages.error(request, _("Scan or type a code."))
        return redirect("warehouse:board")
    return scan_and_open(request, form.cleaned_data["code"])


def _no_warehouse(request: WarehouseRequest) -> HttpResponse:
    messages.error(request, _("You are not assigned to any warehouse."))
    return redirect("warehouse:board")


def scan_and_open(request: WarehouseRequest, code: str) -> HttpResponse:
    warehouse = request.current_warehouse
    if warehouse is None:
        return _no_warehouse(request)
    try:
        result = arrival_register(code=code, warehouse=warehouse, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("warehouse:board")
    return _open_scanned(request, result)


def _open_scanned(request: WarehouseRequest, result: ScanResult) -> HttpResponse:
    """The page a scan leads to, with its message."""
    if result.parcel is not None:  # only an unexpected parcel is recorded as one
        messages.warning(request, result.message)
        return redirect("warehouse:unexpected", pk=result.parcel.pk)
    if result.outcome in (ScanOutcome.ALREADY_RECEIVED, ScanOutcome.CARTON_ALREADY_RECEIVED):
        messages.warning(request, result.message)
    elif result.outcome == ScanOutcome.SHIPMENT:
        messages.info(request, result.message)
    else:
        messages.success(request, result.message)
    if result.shipment is not None:  # a carton is always scanned with its shipment
        if result.carton is not None:
            return redirect("warehouse:carton", public_id=result.shipment.public_id, position=result.carton.position)
        return redirect("warehouse:shipment", public_id=result.shipment.public_id)
    if result.return_request is None:  # every other outcome is about a return
        raise Http404
    return redirect("warehouse:return", public_id=result.return_request.public_id)
