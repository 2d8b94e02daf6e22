"""Shipment pages: open a shipment to a warehouse, fill its cartons by scanning, weigh, close, dispatch."""

from decimal import Decimal
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rma.core.exceptions import DomainError
from rma.core.formatting import choice_label
from rma.core.http import page_number, url_prefix
from rma.core.queue import enqueue_on_commit
from rma.locations.models import Warehouse
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment, ShipmentItem
from rma.shipping.services.shipment_handover import shipment_close, shipment_dispatch
from rma.shipping.services.shipments import (
    carton_add,
    carton_remove,
    carton_weight_set,
    shipment_item_remove,
    shipment_loose_item_add,
    shipment_open,
    shipment_return_add,
    shipment_warehouse_change,
)
from rma.shipping.shipment_tasks import shipment_documents_generate_task
from rma.store import selectors
from rma.store.forms import DispatchForm, LooseItemForm, OpenShipmentForm, ShipmentScanForm, WeightForm
from rma.store.views.common import StoreRequest, render_page, store_view

SHIPMENTS_PER_PAGE = 50
_ANY_UUID = UUID(int=0)


def shipment_or_404(request: StoreRequest, public_id: UUID) -> Shipment:
    shipment = selectors.shipment_get_for_user(user=request.user, public_id=public_id)
    if shipment is None:
        raise Http404
    return shipment


@store_view
def shipments(request: StoreRequest) -> HttpResponse:
    """The shop's shipments and their state, newest first, `SHIPMENTS_PER_PAGE` a page; open a new one.

    A page reads its own rows (one row past it tells whether older ones exist) and each row's link and status label
    are worked out once per page (a reversed URL prefix, one translation per status), not a tag run per row."""
    store = request.current_store
    number = page_number(request.GET.get("page"))
    start = (number - 1) * SHIPMENTS_PER_PAGE
    rows = list(
        selectors.shipment_list_for_user(user=request.user, stores=[store] if store else [])[
            start : start + SHIPMENTS_PER_PAGE + 1
        ]
    )
    labels: dict[str, str] = {}
    for shipment in rows:
        if shipment.status not in labels:
            labels[shipment.status] = choice_label(ShipmentStatus, shipment.status)
        shipment.status_label = labels[shipment.status]  # type: ignore[attr-defined]
    form = OpenShipmentForm(initial={"warehouse": store.default_warehouse_id if store else None})
    return render_page(
        request,
        "store/shipments.html",
        {
            "shipments": rows[:SHIPMENTS_PER_PAGE],
            "open_form": form,
            "shipment_url": url_prefix("store:shipment", sample=_ANY_UUID),
            "newer_page": number - 1 if number > 1 else None,
            "older_page": number + 1 if len(rows) > SHIPMENTS_PER_PAGE else None,
        },
    )


@require_POST
@store_view
def shipment_open_view(request: StoreRequest) -> HttpResponse:
    store = request.current_store
    if store is None:
        raise Http404
    form = OpenShipmentForm(request.POST)
    warehouse = form.cleaned_data.get("warehouse") if form.is_valid() else None
    try:
        shipment = shipment_open(store=store, actor=request.user, warehouse=warehouse)
        carton_add(shipment=shipment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("store:shipments")
    messages.success(request, _("Shipment %(number)s opened.") % {"number": shipment.number})
    return redirect("store:shipment", public_id=shipment.public_id)


def _current_carton(shipment: Shipment, position: str | None) -> Carton | None:
    cartons = list(shipment.cartons.all())
    try:
        wanted = int(position) if position is not None else None
    except ValueError:
        wanted = None
    for carton in cartons:
        if carton.position == wanted:
            return carton
    return cartons[-1] if cartons else None


def _to_shipment(shipment: Shipment, carton: Carton | None = None, kind: str = "", focus: str = "") -> HttpResponse:
    url = reverse("store:shipment", kwargs={"public_id": shipment.public_id})
    params = []
    if carton is not None:
        params.append(f"carton={carton.position}")
    if kind:
        params.append(f"kind={kind}")
    if focus:
        params.append(f"focus={focus}")
    return HttpResponseRedirect(url + ("?" + "&".join(params) if params else ""))


@store_view
def shipment_detail(request: StoreRequest, public_id: UUID) -> HttpResponse:
    shipment = shipment_or_404(request, public_id)
    carton = _current_carton(shipment, request.GET.get("carton"))
    kind = request.GET.get("kind", "")
    loose_form = LooseItemForm(initial={"kind": kind or "unsold", "quantity": 1})
    cartons = list(shipment.cartons.all())
    totals = selectors.shipment_totals(shipment=shipment)
    return render_page(
        request,
        "store/shipment_detail.html",
        {
            "shipment": shipment,
            "cartons": cartons,
            "current_carton": carton,
            # Cartons are numbered by rank, not by position, so removing one never leaves a gap ("carton 2 of 1").
            "current_number": cartons.index(carton) + 1 if carton in cartons else None,
            "totals": totals,
            "shipment_scan_form": ShipmentScanForm(),
            "loose_form": loose_form,
            "dispatch_form": DispatchForm(),
            "warehouse_form": OpenShipmentForm(initial={"warehouse": shipment.warehouse_id}),
            "is_open": shipment.status == ShipmentStatus.OPEN,
            "focus": request.GET.get("focus", "scan"),
        },
    )


@require_POST
@store_view
def shipment_scan(request: StoreRequest, public_id: UUID) -> HttpResponse:
    """A scan into the shipment: a carton's barcode makes it the current carton; a return's code adds it."""
    shipment = shipment_or_404(request, public_id)
    form = ShipmentScanForm(request.POST)
    carton = _current_carton(shipment, request.POST.get("carton"))
    if not form.is_valid():
        messages.error(request, _("Scan or type a code."))
        return _to_shipment(shipment, carton)
    code = "".join(form.cleaned_data["code"].split()).upper()
    for candidate in shipment.cartons.all():
        if candidate.barcode == code:
            messages.info(request, _("Now filling carton %(barcode)s.") % {"barcode": candidate.barcode})
            return _to_shipment(shipment, candidate)
    if code.startswith("CT-"):
        messages.error(request, _("Carton %(code)s is not part of this shipment.") % {"code": code[:64]})
        return _to_shipment(shipment, carton)
    if carton is None:
        messages.error(request, _("Add a carton first."))
        return _to_shipment(shipment)
    try:
        result = shipment_return_add(shipment=shipment, carton=carton, code=code, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, result.message)
    return _to_shipment(shipment, carton)


@require_POST
@store_view
def shipment_loose_add(request: StoreRequest, public_id: UUID) -> HttpResponse:
    shipment = shipment_or_404(request, public_id)
    form = LooseItemForm(request.POST)
    carton = _current_carton(shipment, request.POST.get("carton"))
    kind = request.POST.get("kind", "")
    if not form.is_valid():
        messages.error(request, _("Scan the SKU, then give a quantity (1 or more) and why it goes back."))
        return _to_shipment(shipment, carton, kind, focus="sku")
    if carton is None:
        messages.error(request, _("Add a carton first."))
        return _to_shipment(shipment, kind=kind, focus="sku")
    try:
        result = shipment_loose_item_add(
            shipment=shipment,
            carton=carton,
            sku=form.cleaned_data["sku"],
            quantity=form.cleaned_data["quantity"],
            kind=form.cleaned_data["kind"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, result.message)
    return _to_shipment(shipment, carton, form.cleaned_data["kind"], focus="sku")


@require_POST
@store_view
def shipment_item_remove_view(request: StoreRequest, public_id: UUID, item_id: int) -> HttpResponse:
    shipment = shipment_or_404(request, public_id)
    item = ShipmentItem.objects.filter(pk=item_id, shipment=shipment).select_related("shipment", "carton").first()
    if item is None:
        raise Http404
    try:
        shipment_item_remove(item=item, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Scan removed from carton %(barcode)s.") % {"barcode": item.carton.barcode})
    return _to_shipment(shipment, item.carton)


@require_POST
@store_view
def carton_add_view(request: StoreRequest, public_id: UUID) -> HttpResponse:
    shipment = shipment_or_404(request, public_id)
    try:
        carton = carton_add(shipment=shipment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_shipment(shipment)
    messages.success(request, _("Carton %(barcode)s added: print its label.") % {"barcode": carton.barcode})
    return _to_shipment(shipment, carton)


def carton_or_404(shipment: Shipment, position: int) -> Carton:
    carton = Carton.objects.select_related("shipment__store", "shipment__warehouse").filter(
        shipment=shipment, position=position
    )
    found = carton.first()
    if found is None:
        raise Http404
    return found


@require_POST
@store_view
def carton_weight_view(request: StoreRequest, public_id: UUID, position: int) -> HttpResponse:
    shipment = shipment_or_404(request, public_id)
    carton = carton_or_404(shipment, position)
    form = WeightForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the weight in kilograms, e.g. 4.5."))
        return _to_shipment(shipment, carton)
    weight = form.cleaned_data["weight_kg"]
    grams = int((weight * Decimal(1000)).to_integral_value()) if weight else None
    try:
        carton_weight_set(carton=carton, weight_grams=grams, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Weight of carton %(barcode)s saved.") % {"barcode": carton.barcode})
    return _to_shipment(shipment, carton)


@require_POST
@store_view
def carton_remove_view(request: StoreRequest, public_id: UUID, position: int) -> HttpResponse:
    shipment = shipment_or_404(request, public_id)
    carton = carton_or_404(shipment, position)
    try:
        carton_remove(carton=carton, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Carton %(barcode)s removed.") % {"barcode": carton.barcode})
    return _to_shipment(shipment)


@require_POST
@store_view
def shipment_warehouse_view(request: StoreRequest, public_id: UUID) -> HttpResponse:
    shipment = shipment_or_404(request, public_id)
    form = OpenShipmentForm(request.POST)
    warehouse: Warehouse | None = form.cleaned_data.get("warehouse") if form.is_valid() else None
    if warehouse is None:
        messages.error(request, _("Choose the warehouse the shipment goes to."))
        return _to_shipment(shipment)
    try:
        shipment_warehouse_change(shipment=shipment, warehouse=warehouse, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The shipment now goes to %(warehouse)s.") % {"warehouse": warehouse.name})
    return _to_shipment(shipment)


@require_POST
@store_view
def shipment_close_view(request: StoreRequest, public_id: UUID) -> HttpResponse:
    shipment = shipment_or_404(request, public_id)
    try:
        shipment_close(shipment=shipment, actor=request.user)
        enqueue_on_commit(shipment_documents_generate_task, shipment.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Shipment %(number)s closed: the warehouse is told; the manifest and labels are being made.")
            % {"number": shipment.number},
        )
    return _to_shipment(shipment, focus="dispatch")


@require_POST
@store_view
def shipment_dispatch_view(request: StoreRequest, public_id: UUID) -> HttpResponse:
    shipment = shipment_or_404(request, public_id)
    form = DispatchForm(request.POST)
    reference = form.cleaned_data["pickup_reference"] if form.is_valid() else ""
    try:
        shipment_dispatch(shipment=shipment, actor=request.user, pickup_reference=reference)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Shipment %(number)s dispatched.") % {"number": shipment.number})
    return _to_shipment(shipment)
