"""Warehouse pages: the board, the scan box and switching warehouse."""

from collections.abc import Callable
from datetime import datetime
from functools import cache
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rma.core.exceptions import DomainError
from rma.core.http import url_prefix
from rma.locations.models import Warehouse
from rma.warehouse import selectors
from rma.warehouse.forms import ScanForm
from rma.warehouse.models import UnexpectedParcel
from rma.warehouse.selectors import ExpectedRow, ExpectedShipmentRow, RefundDueRow
from rma.warehouse.services import ScanOutcome, ScanResult, arrival_register
from rma.warehouse.views.common import WAREHOUSE_PAGES, WarehouseRequest, render_page, warehouse_view

_ANY_UUID = UUID(int=0)


def _days_label() -> Callable[[int], str]:
    """ "3 days" in the reader's language, translated once per distinct number of days on the page."""

    @cache
    def days(count: int) -> str:
        return ngettext("%(counter)s day", "%(counter)s days", count) % {"counter": count}

    return days


def row_links() -> dict[str, str]:
    """Rows link to prefix + id + "/" (warehouse:return, warehouse:shipment, warehouse:unexpected)."""
    return {
        "return_url": url_prefix("warehouse:return", sample=_ANY_UUID),
        "shipment_url": url_prefix("warehouse:shipment", sample=_ANY_UUID),
        "unexpected_url": url_prefix("warehouse:unexpected", sample=0),
    }


def expected_rows(warehouses: list[Warehouse], start: int, stop: int, now: datetime) -> list[tuple[ExpectedRow, str]]:
    """Returns on their way, oldest move first, with their age in words."""
    days = _days_label()
    rows = [
        selectors.expected_row(return_request=r, now=now)
        for r in selectors.returns_expected(warehouses=warehouses)[start:stop]
    ]
    return [(row, days(row.age_days)) for row in rows]


def awaiting_rows(warehouses: list[Warehouse], start: int, stop: int, now: datetime) -> list[RefundDueRow]:
    """Received returns whose refund is not released yet, oldest receipt first, with the legal deadline."""
    return [
        selectors.refund_due_row(return_request=r, now=now)
        for r in selectors.returns_awaiting_refund(warehouses=warehouses)[start:stop]
    ]


def shipment_rows(
    warehouses: list[Warehouse], start: int, stop: int, now: datetime
) -> list[tuple[ExpectedShipmentRow, str]]:
    """Shops' shipments announced or on their way, oldest first, with their age in words."""
    days = _days_label()
    rows = [
        selectors.expected_shipment_row(shipment=s, now=now)
        for s in selectors.shipments_expected(warehouses=warehouses)[start:stop]
    ]
    return [(row, days(row.age_days)) for row in rows]


def unexpected_rows(warehouses: list[Warehouse], start: int, stop: int, now: datetime) -> list[UnexpectedParcel]:
    """Parcels scanned without a match, the latest first."""
    return list(selectors.unexpected_parcels_open(warehouses=warehouses)[start:stop])


@warehouse_view
def board(request: WarehouseRequest) -> HttpResponse:
    """The most urgent rows of each list (received returns and their refund deadline, returns on their way, shops'
    shipments, unexpected parcels), each list's figures, and links to the whole lists (`board_list`).

    Its cost does not grow with what is in flight: `RMA_WAREHOUSE_BOARD_ROWS` rows per list, each row's link, age and
    status label worked out once per page (a reversed URL prefix, one translation per distinct age, `choice_label`),
    and figures counted by the database over a bounded number of rows (`selectors.board_counts`).
    """
    warehouses = request.warehouses
    now = timezone.now()
    rows = settings.RMA_WAREHOUSE_BOARD_ROWS
    expected = expected_rows(warehouses, 0, rows, now)
    expected.sort(key=lambda row_age: not row_age[0].at_dock)  # delivered by the carrier first: they wait at the dock
    return render_page(
        request,
        "warehouse/board.html",
        {
            "counts": selectors.board_counts(warehouses=warehouses, now=now),
            "expected": expected,
            "awaiting": awaiting_rows(warehouses, 0, rows, now),
            "shipments": shipment_rows(warehouses, 0, rows, now),
            "unexpected": unexpected_rows(warehouses, 0, rows, now),
            **row_links(),
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
