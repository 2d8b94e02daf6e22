"""Shop pages (/store/): the counter and shipments to a warehouse. Scanner and keyboard first, big touch targets.

Store staff see their own shops only; another shop's return, shipment or file is "not found" (404); other roles
are refused (403). Views shape input and call the services in rma.shipping.services.{counter,shipments}.
"""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rma.core.exceptions import DomainError
from rma.core.queue import enqueue_on_commit
from rma.core.staff import StaffSite
from rma.locations.models import Store, Warehouse
from rma.orders.models import Order
from rma.returns import policy as return_policy
from rma.returns.choices import Resolution, ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.selectors import reason_code_list
from rma.returns.services import ReturnLineInput
from rma.shipping import store_selectors as selectors
from rma.shipping.manifests import carton_barcode_label_pdf
from rma.shipping.models import Carton, CounterCondition, Shipment, ShipmentItem, ShipmentStatus
from rma.shipping.receipts import RECEIPT_SIZES, render_counter_receipt_pdf
from rma.shipping.services.counter import (
    CounterLineCheck,
    counter_order_find,
    counter_return_check,
    counter_return_check_allowed,
    counter_return_find,
    counter_return_start,
)
from rma.shipping.services.shipments import (
    carton_add,
    carton_remove,
    carton_weight_set,
    shipment_close,
    shipment_dispatch,
    shipment_documents_generate,
    shipment_item_remove,
    shipment_loose_item_add,
    shipment_open,
    shipment_return_add,
    shipment_warehouse_change,
)
from rma.shipping.store_forms import (
    DispatchForm,
    LooseItemForm,
    OpenShipmentForm,
    OrderLookupForm,
    ScanForm,
    ShipmentScanForm,
    WeightForm,
)
from rma.shipping.store_tasks import shipment_documents_generate_task

SESSION_STORE = "store_current_id"
ORDER_TOKEN_SALT = "rma.store.order"
ORDER_TOKEN_MAX_AGE = 60 * 60 * 4


# Store staff (and superusers) only: others are sent to log in, or refused (403).
STORE_PAGES = StaffSite(
    login_url="store:login",
    home_url="store:counter",
    is_member=selectors.is_store_user,
    sites_for_user=selectors.stores_for_user,
    session_key=SESSION_STORE,
    sites_attr="stores",
    current_attr="current_store",
    switch_field="store",
)
store_view = STORE_PAGES.view


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("scan_form", ScanForm())
    context["stores"] = request.stores
    context["current_store"] = request.current_store
    context.setdefault("nav", "shipments" if template.startswith("store/shipment") else "counter")
    return render(request, template, context, status=status)


def _store_of(request: HttpRequest, obj_store_id: int | None) -> Store:
    for store in request.stores:
        if store.pk == obj_store_id:
            return store
    raise Http404


@require_POST
@store_view
def switch_store(request: HttpRequest) -> HttpResponse:
    return STORE_PAGES.switch(request)


# ---- the counter


@store_view
def counter(request: HttpRequest) -> HttpResponse:
    """Scan what the customer shows, or look the order up; the returns checked lately."""
    store = request.current_store
    return _render(
        request,
        "store/counter.html",
        {
            "lookup_form": OrderLookupForm(),
            "recent": selectors.counter_returns_recent(stores=[store]) if store else [],
        },
    )


@require_POST
@store_view
def scan(request: HttpRequest) -> HttpResponse:
    """A scanner types the QR code or RMA number and Enter: open the return's check."""
    form = ScanForm(request.POST)
    if request.current_store is None:
        messages.error(request, _("You are not assigned to any shop."))
        return redirect("store:counter")
    if not form.is_valid():
        messages.error(request, _("Scan or type a code."))
        return redirect("store:counter")
    try:
        return_request = counter_return_find(code=form.cleaned_data["code"], stores=request.stores)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("store:counter")
    return redirect("store:return", public_id=return_request.public_id)


def _line_rows(return_request: ReturnRequest, post: dict | None = None) -> list[dict[str, Any]]:
    rows = []
    for line in return_request.lines.all():
        check = getattr(line, "counter_check", None)
        prefix = f"line-{line.pk}"
        rows.append(
            {
                "line": line,
                "check": check,
                "prefix": prefix,
                "condition": (post or {}).get(f"{prefix}-condition", CounterCondition.GOOD),
                "decision": (post or {}).get(f"{prefix}-decision", "accept"),
                "reason": (post or {}).get(f"{prefix}-reason", ""),
            }
        )
    return rows


@store_view
def return_check(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Check each line of a return at the counter: condition, accept or refuse (with a reason)."""
    return_request = selectors.return_request_get_for_store(user=request.user, public_id=public_id)
    if return_request is None:
        raise Http404
    store = request.current_store
    if return_request.store_id is not None:
        store = _store_of(request, return_request.store_id)
    refusal = None
    try:
        counter_return_check_allowed(return_request=return_request)
    except DomainError as exc:
        refusal = exc.message
    checked = any(row["check"] is not None for row in _line_rows(return_request))
    if request.method == "POST" and refusal is None and store is not None:
        checks = [
            CounterLineCheck(
                return_line_id=row["line"].pk,
                condition=row["condition"],
                accepted=row["decision"] == "accept",
                refusal_reason=row["reason"] if row["decision"] != "accept" else "",
            )
            for row in _line_rows(return_request, request.POST)
        ]
        try:
            outcome = counter_return_check(
                return_request=return_request, store=store, actor=request.user, checks=checks
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return _render(
                request,
                "store/return_check.html",
                _return_context(return_request, _line_rows(return_request, request.POST), refusal, checked),
                status=422,
            )
        if outcome.all_refused:
            messages.warning(request, _("Return %(rma)s refused and cancelled.") % {"rma": return_request.rma_number})
        else:
            messages.success(
                request,
                _("Return %(rma)s accepted: %(count)d item(s) handed in.")
                % {"rma": return_request.rma_number, "count": outcome.accepted_units},
            )
        return redirect("store:return", public_id=return_request.public_id)
    return _render(
        request,
        "store/return_check.html",
        _return_context(return_request, _line_rows(return_request), refusal, checked),
    )


def _return_context(return_request: ReturnRequest, rows: list, refusal: str | None, checked: bool) -> dict[str, Any]:
    return {
        "return_request": return_request,
        "rows": rows,
        "refusal": refusal,
        "checked": checked,
        "conditions": CounterCondition.choices,
        "can_check": refusal is None and not checked,
        "receipt_sizes": RECEIPT_SIZES,
    }


@store_view
def receipt(request: HttpRequest, public_id: Any, size: str) -> HttpResponse:
    """The customer's receipt (A4 or 80 mm ticket), once the return was checked at the counter."""
    return_request = selectors.return_request_get_for_store(user=request.user, public_id=public_id)
    if return_request is None or size not in RECEIPT_SIZES or return_request.store_id is None:
        raise Http404
    store = _store_of(request, return_request.store_id)
    if not any(getattr(line, "counter_check", None) for line in return_request.lines.all()):
        raise Http404
    pdf = render_counter_receipt_pdf(return_request=return_request, store=store, size=size)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{return_request.rma_number}-{size}.pdf"'
    return response


# ---- starting a return for a customer without one


def order_token(order: Order) -> str:
    return signing.dumps(order.pk, salt=ORDER_TOKEN_SALT)


def _order_from_token(token: str) -> Order:
    try:
        pk = signing.loads(token, salt=ORDER_TOKEN_SALT, max_age=ORDER_TOKEN_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404 from exc
    order = Order.objects.prefetch_related("lines").filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


@require_POST
@store_view
def order_find(request: HttpRequest) -> HttpResponse:
    form = OrderLookupForm(request.POST)
    order = None
    if form.is_valid():
        order = counter_order_find(
            number=form.cleaned_data["order_number"], email_or_postcode=form.cleaned_data["email_or_postcode"]
        )
    if order is None:
        messages.error(request, _("No order matches this number and email or postcode."))
        return redirect("store:counter")
    return redirect("store:order", token=order_token(order))


@store_view
def order_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The order as the customer sees it: its returns in progress, and a new return for the items still eligible."""
    order = _order_from_token(token)
    store = request.current_store
    eligibility = return_policy.order_eligibility(order=order)
    reasons = list(reason_code_list())
    returns = list(
        ReturnRequest.objects.filter(order=order).exclude(status=ReturnStatus.DRAFT).order_by("-created_at")
    )
    visible = [r for r in returns if r.store_id is None or any(s.pk == r.store_id for s in request.stores)]
    status = 200
    if request.method == "POST" and store is not None:
        inputs = []
        by_code = {reason.code: reason for reason in reasons}
        problem = ""
        for verdict in eligibility:
            line = verdict.order_line
            try:
                quantity = int(request.POST.get(f"qty-{line.pk}", "0") or 0)
            except ValueError:
                quantity = 0
            if quantity <= 0:
                continue
            reason = by_code.get(request.POST.get(f"reason-{line.pk}", ""))
            if reason is None:
                problem = _("Choose a reason for every item returned.")
                break
            inputs.append(ReturnLineInput(order_line=line, quantity=quantity, reason=reason))
        resolution = request.POST.get("resolution", Resolution.REFUND)
        if not problem:
            try:
                return_request = counter_return_start(
                    order=order,
                    store=store,
                    actor=request.user,
                    lines=inputs,
                    resolution=resolution,
                    locale=order.locale,
                )
            except DomainError as exc:
                problem = exc.message
            else:
                messages.success(request, _("Return %(rma)s created.") % {"rma": return_request.rma_number})
                return redirect("store:return", public_id=return_request.public_id)
        messages.error(request, problem)
        status = 422
    return _render(
        request,
        "store/order.html",
        {
            "order": order,
            "eligibility": eligibility,
            "reasons": reasons,
            "returns": visible,
            "resolutions": [(r.value, r.label) for r in Resolution if r != Resolution.EXCHANGE],
            "token": token,
        },
        status=status,
    )


# ---- shipments


def _shipment_or_404(request: HttpRequest, public_id: Any) -> Shipment:
    shipment = selectors.shipment_get_for_user(user=request.user, public_id=public_id)
    if shipment is None:
        raise Http404
    return shipment


@store_view
def shipments(request: HttpRequest) -> HttpResponse:
    """The shop's shipments and their state; open a new one."""
    store = request.current_store
    rows = list(selectors.shipment_list_for_user(user=request.user, stores=[store] if store else [])[:100])
    form = OpenShipmentForm(initial={"warehouse": store.default_warehouse_id if store else None})
    return _render(request, "store/shipments.html", {"shipments": rows, "open_form": form})


@require_POST
@store_view
def shipment_open_view(request: HttpRequest) -> HttpResponse:
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


def _kg(grams: int | None) -> str:
    return f"{(grams or 0) / 1000:.2f}"


def _current_carton(shipment: Shipment, position: Any) -> Carton | None:
    cartons = list(shipment.cartons.all())
    try:
        wanted = int(position)
    except (TypeError, ValueError):
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
def shipment_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    shipment = _shipment_or_404(request, public_id)
    carton = _current_carton(shipment, request.GET.get("carton"))
    kind = request.GET.get("kind", "")
    loose_form = LooseItemForm(initial={"kind": kind or "unsold", "quantity": 1})
    cartons = list(shipment.cartons.all())
    for each in cartons:
        each.weight_kg = _kg(each.weight_grams) if each.weight_grams else ""
    totals = selectors.shipment_totals(shipment=shipment)
    totals["weight_kg"] = _kg(totals["weight_grams"])
    return _render(
        request,
        "store/shipment_detail.html",
        {
            "shipment": shipment,
            "cartons": cartons,
            "current_carton": carton,
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
def shipment_scan(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A scan into the shipment: a carton's barcode makes it the current carton; a return's code adds it."""
    shipment = _shipment_or_404(request, public_id)
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
def shipment_loose_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    shipment = _shipment_or_404(request, public_id)
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
def shipment_item_remove_view(request: HttpRequest, public_id: Any, item_id: int) -> HttpResponse:
    shipment = _shipment_or_404(request, public_id)
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
def carton_add_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    shipment = _shipment_or_404(request, public_id)
    try:
        carton = carton_add(shipment=shipment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_shipment(shipment)
    messages.success(request, _("Carton %(barcode)s added: print its label.") % {"barcode": carton.barcode})
    return _to_shipment(shipment, carton)


def _carton_or_404(shipment: Shipment, position: int) -> Carton:
    carton = Carton.objects.select_related("shipment__store", "shipment__warehouse").filter(
        shipment=shipment, position=position
    )
    found = carton.first()
    if found is None:
        raise Http404
    return found


@require_POST
@store_view
def carton_weight_view(request: HttpRequest, public_id: Any, position: int) -> HttpResponse:
    shipment = _shipment_or_404(request, public_id)
    carton = _carton_or_404(shipment, position)
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
def carton_remove_view(request: HttpRequest, public_id: Any, position: int) -> HttpResponse:
    shipment = _shipment_or_404(request, public_id)
    carton = _carton_or_404(shipment, position)
    try:
        carton_remove(carton=carton, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Carton %(barcode)s removed.") % {"barcode": carton.barcode})
    return _to_shipment(shipment)


@require_POST
@store_view
def shipment_warehouse_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    shipment = _shipment_or_404(request, public_id)
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
def shipment_close_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    shipment = _shipment_or_404(request, public_id)
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
def shipment_dispatch_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    shipment = _shipment_or_404(request, public_id)
    form = DispatchForm(request.POST)
    reference = form.cleaned_data["pickup_reference"] if form.is_valid() else ""
    try:
        shipment_dispatch(shipment=shipment, actor=request.user, pickup_reference=reference)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Shipment %(number)s dispatched.") % {"number": shipment.number})
    return _to_shipment(shipment)


# ---- files, served after the scope check


def _documents_ready(shipment: Shipment) -> Shipment:
    """The shipment with its documents, made now if the worker has not yet (closed shipments only)."""
    if shipment.status == ShipmentStatus.OPEN:
        raise Http404
    if shipment.documents_ready_at is None:
        return shipment_documents_generate(shipment_id=shipment.pk)
    return shipment


def _file(field_file: Any, *, filename: str, content_type: str) -> FileResponse:
    if not field_file:
        raise Http404
    response = FileResponse(field_file.open("rb"), content_type=content_type, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@store_view
def manifest_file(request: HttpRequest, public_id: Any, extension: str) -> HttpResponse:
    if extension not in ("pdf", "csv"):
        raise Http404
    shipment = _documents_ready(_shipment_or_404(request, public_id))
    if extension == "pdf":
        return _file(shipment.manifest_pdf, filename=f"{shipment.number}-manifest.pdf", content_type="application/pdf")
    return _file(
        shipment.manifest_csv, filename=f"{shipment.number}-manifest.csv", content_type="text/csv; charset=utf-8"
    )


@store_view
def carton_label_file(request: HttpRequest, public_id: Any, position: int, extension: str) -> HttpResponse:
    if extension not in ("pdf", "zpl"):
        raise Http404
    shipment = _documents_ready(_shipment_or_404(request, public_id))
    carton = _carton_or_404(shipment, position)
    if extension == "pdf":
        return _file(carton.label_pdf, filename=f"{carton.barcode}-label.pdf", content_type="application/pdf")
    return _file(carton.label_zpl, filename=f"{carton.barcode}-label.zpl", content_type="text/plain; charset=utf-8")


@store_view
def carton_barcode_file(request: HttpRequest, public_id: Any, position: int) -> HttpResponse:
    shipment = _shipment_or_404(request, public_id)
    carton = _carton_or_404(shipment, position)
    response = HttpResponse(carton_barcode_label_pdf(carton=carton), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{carton.barcode}.pdf"'
    return response
