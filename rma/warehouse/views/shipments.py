"""Warehouse pages: shops' shipments, received carton by carton, counted, and finished."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rma.core.exceptions import DomainError
from rma.core.http import found_or_404
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Shipment
from rma.shipping.selectors import shipment_find_by_code
from rma.warehouse import selectors
from rma.warehouse.forms import CountForm
from rma.warehouse.models import CartonReceipt
from rma.warehouse.services import (
    carton_count_add,
    carton_count_finish,
    carton_count_remove,
    carton_receive,
    shipment_received_message,
    shipment_receiving_finish,
)
from rma.warehouse.views.board import scan_and_open
from rma.warehouse.views.common import WarehouseRequest, render_page, warehouse_view


def _shipment_for(request: WarehouseRequest, public_id: UUID) -> tuple[Shipment, selectors.ShipmentReceiving]:
    shipment = found_or_404(selectors.shipment_get_for_warehouse(user=request.user, public_id=public_id))
    return shipment, selectors.shipment_receiving(shipment=shipment)


@warehouse_view
def shipment_detail(request: WarehouseRequest, public_id: UUID) -> HttpResponse:
    """A shop's shipment: its cartons (waiting, being counted, counted), then what differs from the announcement."""
    shipment, receiving = _shipment_for(request, public_id)
    return render_page(
        request,
        "warehouse/shipment_detail.html",
        {
            "shipment": shipment,
            "receiving": receiving,
            "age": selectors.shipment_age(shipment=shipment) if receiving.receivable else None,
            "can_finish": receiving.receivable and receiving.received_count > 0 and not receiving.open_cartons,
        },
    )


@warehouse_view
def carton_detail(request: WarehouseRequest, public_id: UUID, position: int) -> HttpResponse:
    """Count a carton: scan each return's label and each item's SKU; scan the carton's label again when done."""
    shipment, receiving = _shipment_for(request, public_id)
    view = found_or_404(receiving.carton(position))
    carton_url = reverse("warehouse:carton", kwargs={"public_id": shipment.public_id, "position": position})
    form = CountForm(request.POST or None, initial={"quantity": 1})
    if request.method == "POST":
        if view.receipt is None:
            messages.error(request, _("Receive this carton first."))
            return redirect(carton_url)
        if form.is_valid():
            code = form.cleaned_data["code"]
            found = shipment_find_by_code(code=code)
            if found is not None and found[1] is not None and found[1].pk == view.carton.pk:
                return _carton_finish(request, view.receipt)  # its own label again: the count is done
            if found is not None:  # another carton or a shipment: open it as the scan bar would
                return scan_and_open(request, code)
            try:
                result = carton_count_add(
                    receipt=view.receipt,
                    code=code,
                    quantity=form.cleaned_data["quantity"],
                    damaged=form.cleaned_data["damaged"],
                    actor=request.user,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                not_received = result.return_request is not None and not result.received
                (messages.warning if not_received else messages.success)(request, result.message)
            return redirect(carton_url)
    return render_page(
        request,
        "warehouse/carton_detail.html",
        {"shipment": shipment, "receiving": receiving, "view": view, "count_form": form},
        status=400 if form.errors else 200,
    )


def _carton_finish(request: WarehouseRequest, receipt: CartonReceipt) -> HttpResponse:
    try:
        result = carton_count_finish(receipt=receipt, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        has_discrepancies = result.shipment.status == ShipmentStatus.RECEIVED_WITH_DISCREPANCIES
        (messages.warning if has_discrepancies else messages.success)(request, result.message)
    return redirect("warehouse:shipment", public_id=receipt.shipment.public_id)


@require_POST
@warehouse_view
def carton_receive_view(request: WarehouseRequest, public_id: UUID, position: int) -> HttpResponse:
    """Receive a carton whose label cannot be scanned."""
    shipment, receiving = _shipment_for(request, public_id)
    view = found_or_404(receiving.carton(position))
    try:
        result = carton_receive(carton=view.carton, warehouse=shipment.warehouse, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("warehouse:shipment", public_id=shipment.public_id)
    (messages.success if result.created else messages.warning)(request, result.message)
    return redirect("warehouse:carton", public_id=shipment.public_id, position=position)


@require_POST
@warehouse_view
def carton_finish_view(request: WarehouseRequest, public_id: UUID, position: int) -> HttpResponse:
    shipment, receiving = _shipment_for(request, public_id)
    view = found_or_404(receiving.carton(position))
    if view.receipt is None:
        messages.error(request, _("Receive this carton first."))
        return redirect("warehouse:shipment", public_id=shipment.public_id)
    return _carton_finish(request, view.receipt)


@require_POST
@warehouse_view
def carton_count_remove_view(request: WarehouseRequest, public_id: UUID, position: int, entry_id: int) -> HttpResponse:
    shipment, receiving = _shipment_for(request, public_id)
    view = found_or_404(receiving.carton(position))
    entry = next((entry for entry in view.entries if entry.pk == entry_id), None)
    if entry is None:
        messages.error(request, _("This count was already removed."))
    else:
        try:
            messages.success(request, carton_count_remove(entry=entry, actor=request.user))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("warehouse:carton", public_id=shipment.public_id, position=position)


@require_POST
@warehouse_view
def shipment_finish_view(request: WarehouseRequest, public_id: UUID) -> HttpResponse:
    """Finish receiving a shipment, cartons missing included."""
    shipment, _receiving = _shipment_for(request, public_id)
    try:
        discrepancies = shipment_receiving_finish(shipment=shipment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        message = shipment_received_message(shipment=shipment, discrepancies=len(discrepancies))
        (messages.warning if discrepancies else messages.success)(request, message)
    return redirect("warehouse:shipment", public_id=shipment.public_id)
