"""Each list of the board, whole, a page at a time: what is expected, what waits for its refund, shops' shipments,
unexpected parcels."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rma.core.http import page_number
from rma.locations.models import Warehouse
from rma.warehouse.views.board import awaiting_rows, expected_rows, shipment_rows, unexpected_rows
from rma.warehouse.views.common import WarehouseRequest, render_page, warehouse_view


@dataclass(frozen=True)
class BoardList:
    title: Promise
    rows: Callable[[list[Warehouse], int, int, datetime], list[Any]]
    template: str  # the rows' table, shared with the board


BOARD_LISTS = {
    "expected": BoardList(_("Expected"), expected_rows, "warehouse/rows/expected.html"),
    "awaiting-refund": BoardList(_("Received: inspection and refund"), awaiting_rows, "warehouse/rows/awaiting.html"),
    "shipments": BoardList(_("Shipments from shops"), shipment_rows, "warehouse/rows/shipments.html"),
    "unexpected": BoardList(_("Unexpected parcels to match"), unexpected_rows, "warehouse/rows/unexpected.html"),
}


@warehouse_view
def board_list(request: WarehouseRequest, name: str) -> HttpResponse:
    """One list of the board, `RMA_WAREHOUSE_LIST_ROWS` rows a page in the board's order, with links to the pages
    around it.

    Pages are read by offset in the order of the list's index, one row past the page telling whether a next page
    exists: no count of the whole list (the board's headings give its figures)."""
    board_list_ = BOARD_LISTS.get(name)
    if board_list_ is None:
        raise Http404("No such list.")
    number = page_number(request.GET.get("page"))
    page_rows = settings.RMA_WAREHOUSE_LIST_ROWS
    start = (number - 1) * page_rows
    rows = board_list_.rows(request.warehouses, start, start + page_rows + 1, timezone.now())
    return render_page(
        request,
        "warehouse/board_list.html",
        {
            "title": board_list_.title,
            "rows_template": board_list_.template,
            "rows": rows[:page_rows],
            "first_row": start + 1,
            "last_row": start + len(rows[:page_rows]),
            "previous_page": number - 1 if number > 1 else None,
            "next_page": number + 1 if len(rows) > page_rows else None,
        },
    )
