"""Warehouse pages: one screen per step, scanner and keyboard first. Views call the services and selectors."""

import csv
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rma.core.exceptions import DomainError
from rma.core.staff import StaffSite
from rma.returns.choices import ReturnStatus
from rma.shipping.models import ShipmentStatus
from rma.shipping.store_selectors import shipment_find_by_code
from rma.warehouse import selectors
from rma.warehouse.choices import Derogation, DiscrepancyKind, DispositionKind, UnitCondition
from rma.warehouse.forms import (
    CountForm,
    DiscrepancyReportForm,
    DispositionForm,
    InspectionForm,
    MatchForm,
    ReportPeriodForm,
    ScanForm,
)
from rma.warehouse.reports import discrepancies_csv_response
from rma.warehouse.services import (
    ScanOutcome,
    ScanResult,
    arrival_register,
    carton_count_add,
    carton_count_finish,
    carton_count_remove,
    carton_receive,
    disposition_confirm,
    disposition_suggest,
    inspection_record,
    refund_compute,
    refund_release,
    return_request_find_by_code,
    shipment_received_message,
    shipment_receiving_finish,
    unexpected_parcel_match,
)

SESSION_WAREHOUSE = "warehouse_current_id"


# Signed-in warehouse operators (and superusers) only: others are sent to log in, or refused (403).
WAREHOUSE_PAGES = StaffSite(
    login_url="warehouse:login",
    home_url="warehouse:board",
    is_member=selectors.is_warehouse_user,
    sites_for_user=selectors.warehouses_for_user,
    session_key=SESSION_WAREHOUSE,
    sites_attr="warehouses",
    current_attr="current_warehouse",
    switch_field="warehouse",
)
warehouse_view = WAREHOUSE_PAGES.view


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("scan_form", ScanForm())
    context["warehouses"] = request.warehouses
    context["current_warehouse"] = request.current_warehouse
    return render(request, template, context, status=status)


# ---- board and scan


@warehouse_view
def board(request: HttpRequest) -> HttpResponse:
    """What is expected, what waits for inspection or refund (with the legal deadline), and unexpected parcels."""
    warehouses = request.warehouses
    now = timezone.now()
    expected = [
        selectors.expected_row(return_request=r, now=now)
        for r in selectors.returns_expected(warehouses=warehouses)[:200]
    ]
    awaiting = [
        selectors.refund_due_row(return_request=r, now=now)
        for r in selectors.returns_awaiting_refund(warehouses=warehouses)[:200]
    ]
    shipments = [
        selectors.expected_shipment_row(shipment=s, now=now)
        for s in selectors.shipments_expected(warehouses=warehouses)[:200]
    ]
    return _render(
        request,
        "warehouse/board.html",
        {
            "expected": expected,
            "late_count": sum(row.late for row in expected),
            "awaiting": awaiting,
            "flagged_count": sum(row.due_soon or row.overdue for row in awaiting),
            "shipments": shipments,
            "late_shipment_count": sum(row.late for row in shipments),
            "unexpected": list(selectors.unexpected_parcels_open(warehouses=warehouses)[:100]),
        },
    )


@require_POST
@warehouse_view
def switch_warehouse(request: HttpRequest) -> HttpResponse:
    return WAREHOUSE_PAGES.switch(request)


@require_POST
@warehouse_view
def scan(request: HttpRequest) -> HttpResponse:
    """A scanner types the code and Enter: open the return, the carton or shipment, or the unexpected parcel."""
    form = ScanForm(request.POST)
    if request.current_warehouse is None:
        messages.error(request, _("You are not assigned to any warehouse."))
        return redirect("warehouse:board")
    if not form.is_valid():
        messages.error(request, _("Scan or type a code."))
        return redirect("warehouse:board")
    return _scan_and_open(request, form.cleaned_data["code"])


def _scan_and_open(request: HttpRequest, code: str) -> HttpResponse:
    try:
        result = arrival_register(code=code, warehouse=request.current_warehouse, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("warehouse:board")
    return _open_scanned(request, result)


def _open_scanned(request: HttpRequest, result: ScanResult) -> HttpResponse:
    """The page a scan leads to, with its message."""
    if result.outcome == ScanOutcome.UNEXPECTED:
        messages.warning(request, result.message)
        return redirect("warehouse:unexpected", pk=result.parcel.pk)
    if result.outcome in (ScanOutcome.ALREADY_RECEIVED, ScanOutcome.CARTON_ALREADY_RECEIVED):
        messages.warning(request, result.message)
    elif result.outcome == ScanOutcome.SHIPMENT:
        messages.info(request, result.message)
    else:
        messages.success(request, result.message)
    if result.carton is not None:
        return redirect("warehouse:carton", public_id=result.shipment.public_id, position=result.carton.position)
    if result.shipment is not None:
        return redirect("warehouse:shipment", public_id=result.shipment.public_id)
    return redirect("warehouse:return", public_id=result.return_request.public_id)


# ---- a return and its units


def _next_unit_url(return_request, units) -> str:
    for unit in units:
        if unit.inspection is None:
            return _unit_url("warehouse:unit-inspect", return_request, unit)
        if unit.needs_disposition:
            return _unit_url("warehouse:unit-disposition", return_request, unit)
    return ""


def _unit_url(name: str, return_request, unit) -> str:
    return reverse(name, kwargs={"public_id": return_request.public_id, "line_id": unit.line.pk, "unit": unit.number})


@warehouse_view
def return_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return_request = selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
    units = selectors.return_units(return_request=return_request)
    rules = selectors.disposition_rules_active()
    rows = []
    for unit in units:
        suggestion = disposition_suggest(inspection=unit.inspection, rules=rules) if unit.needs_disposition else None
        rows.append(
            {
                "unit": unit,
                "suggestion": suggestion,
                "inspect_url": _unit_url("warehouse:unit-inspect", return_request, unit),
                "disposition_url": _unit_url("warehouse:unit-disposition", return_request, unit),
            }
        )
    computation = None
    if return_request.status in (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED):
        computation = refund_compute(return_request=return_request)
    refund = getattr(return_request, "refund", None)
    return _render(
        request,
        "warehouse/return_detail.html",
        {
            "return_request": return_request,
            "rows": rows,
            "next_url": _next_unit_url(return_request, units)
            if return_request.status == ReturnStatus.RECEIVED
            else "",
            "computation": computation,
            "can_release": return_request.status == ReturnStatus.INSPECTED,
            "refund": refund,
            "exchange_request": getattr(return_request, "exchange_request", None),
            "arrival": getattr(return_request, "arrival", None),
            "label": getattr(return_request, "label", None),
            "events": list(return_request.events.select_related("actor").order_by("-created_at", "-id")[:20]),
        },
    )


def _unit_from(request: HttpRequest, public_id: Any, line_id: int, unit: int):
    return_request = selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
    return return_request, selectors.unit_get(return_request=return_request, line_id=line_id, unit_index=unit - 1)


@warehouse_view
def unit_inspect(request: HttpRequest, public_id: Any, line_id: int, unit: int) -> HttpResponse:
    """Grade one unit: condition, grade, checklist, serial number, notes, photos."""
    return_request, found = _unit_from(request, public_id, line_id, unit)
    order_line = found.line.order_line
    form_kwargs = {
        "grades": selectors.grades_for(category=order_line.category),
        "checklist_items": selectors.checklist_items_for(category=order_line.category),
        "needs_serial": order_line.has_serial_number,
    }
    if request.method == "POST":
        form = InspectionForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                inspection = inspection_record(
                    return_line=found.line,
                    unit_index=found.index,
                    actor=request.user,
                    condition=data["condition"],
                    grade=data["grade"] if data["condition"] == UnitCondition.RECEIVED else None,
                    checklist=form.checklist(),
                    notes=data["notes"],
                    serial_number=data["serial_number"],
                    photos=data["photos"],
                    regrade=request.POST.get("regrade") == "1",
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if inspection.condition == UnitCondition.RECEIVED:
                    return redirect(_unit_url("warehouse:unit-disposition", return_request, found))
                messages.info(request, _("Unit %(unit)d recorded as “%(condition)s”.") % {
                    "unit": found.number, "condition": inspection.get_condition_display()})  # fmt: skip
                return _after_unit(request, return_request)
    else:
        initial = {}
        if found.inspection is not None:
            inspection = found.inspection
            initial = {
                "condition": inspection.condition,
                "grade": inspection.grade_id,
                "serial_number": inspection.serial_number,
                "notes": inspection.notes,
                **{f"check_{code}": value for code, value in inspection.checklist.items()},
            }
        form = InspectionForm(initial=initial, **form_kwargs)
    return _render(
        request,
        "warehouse/unit_inspect.html",
        {"return_request": return_request, "unit": found, "form": form, "order_line": order_line},
    )


def _after_unit(request: HttpRequest, return_request) -> HttpResponse:
    """The next unit to handle, or the return's page (with the refund) when all are done."""
    return_request.refresh_from_db(fields=["status"])
    if return_request.status == ReturnStatus.RECEIVED:
        next_url = _next_unit_url(return_request, selectors.return_units(return_request=return_request))
        if next_url:
            return HttpResponseRedirect(next_url)
    return redirect("warehouse:return", public_id=return_request.public_id)


@warehouse_view
def unit_disposition(request: HttpRequest, public_id: Any, line_id: int, unit: int) -> HttpResponse:
    """Confirm the suggested disposition (Enter) or override it with a reason."""
    return_request, found = _unit_from(request, public_id, line_id, unit)
    if found.inspection is None:
        return redirect(_unit_url("warehouse:unit-inspect", return_request, found))
    if found.disposition is not None or found.inspection.condition != UnitCondition.RECEIVED:
        return redirect("warehouse:return", public_id=return_request.public_id)
    suggestion = disposition_suggest(inspection=found.inspection)
    if request.method == "POST":
        form = DispositionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                disposition = disposition_confirm(
                    inspection=found.inspection,
                    actor=request.user,
                    kind=data["kind"],
                    override_reason=data["override_reason"],
                    derogation=data["derogation"],
                    derogation_note=data["derogation_note"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Unit %(unit)d: %(kind)s.") % {"unit": found.number, "kind": disposition.get_kind_display()},
                )
                return _after_unit(request, return_request)
    else:
        form = DispositionForm(initial={"kind": suggestion.kind})
    return _render(
        request,
        "warehouse/unit_disposition.html",
        {
            "return_request": return_request,
            "unit": found,
            "inspection": found.inspection,
            "suggestion": suggestion,
            "form": form,
            "destroy": DispositionKind.DESTROY.value,
            "derogations": Derogation.choices,
        },
    )


@require_POST
@warehouse_view
def refund_release_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    return_request = selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
    try:
        result = refund_release(return_request=return_request, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("warehouse:return", public_id=return_request.public_id)
    messages.success(request, f"{return_request.rma_number}: {result.message}")
    return redirect("warehouse:board")


# ---- unexpected parcels


@warehouse_view
def unexpected_parcel(request: HttpRequest, pk: int) -> HttpResponse:
    parcel = selectors.unexpected_parcel_get_for_warehouse(user=request.user, pk=pk)
    form = MatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and parcel.matched_return_id is None:
        found = return_request_find_by_code(code=form.cleaned_data["code"])
        in_scope = found is not None and selectors.returns_in_scope(user=request.user).filter(pk=found.pk).exists()
        if not in_scope:
            form.add_error("code", _("No return in your warehouses has this code."))
        else:
            try:
                unexpected_parcel_match(
                    parcel=parcel, return_request=found, actor=request.user, note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Parcel matched to %(rma)s and received.") % {"rma": found.rma_number})
                return redirect("warehouse:return", public_id=found.public_id)
    return _render(request, "warehouse/unexpected_parcel.html", {"parcel": parcel, "form": form})


# ---- shops' shipments, carton by carton


def _shipment_for(request: HttpRequest, public_id: Any) -> tuple[Any, selectors.ShipmentReceiving]:
    shipment = selectors.shipment_get_for_warehouse(user=request.user, public_id=public_id)
    return shipment, selectors.shipment_receiving(shipment=shipment)


@warehouse_view
def shipment_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A shop's shipment: its cartons (waiting, being counted, counted), then what differs from the announcement."""
    shipment, receiving = _shipment_for(request, public_id)
    return _render(
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
def carton_detail(request: HttpRequest, public_id: Any, position: int) -> HttpResponse:
    """Count a carton: scan each return's label and each item's SKU; scan the carton's label again when done."""
    shipment, receiving = _shipment_for(request, public_id)
    view = receiving.carton(position)
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
                return _scan_and_open(request, code)
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
    return _render(
        request,
        "warehouse/carton_detail.html",
        {"shipment": shipment, "receiving": receiving, "view": view, "count_form": form},
        status=400 if form.errors else 200,
    )


def _carton_finish(request: HttpRequest, receipt) -> HttpResponse:
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
def carton_receive_view(request: HttpRequest, public_id: Any, position: int) -> HttpResponse:
    """Receive a carton whose label cannot be scanned."""
    shipment, receiving = _shipment_for(request, public_id)
    view = receiving.carton(position)
    try:
        result = carton_receive(carton=view.carton, warehouse=shipment.warehouse, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("warehouse:shipment", public_id=shipment.public_id)
    (messages.success if result.created else messages.warning)(request, result.message)
    return redirect("warehouse:carton", public_id=shipment.public_id, position=position)


@require_POST
@warehouse_view
def carton_finish_view(request: HttpRequest, public_id: Any, position: int) -> HttpResponse:
    shipment, receiving = _shipment_for(request, public_id)
    view = receiving.carton(position)
    if view.receipt is None:
        messages.error(request, _("Receive this carton first."))
        return redirect("warehouse:shipment", public_id=shipment.public_id)
    return _carton_finish(request, view.receipt)


@require_POST
@warehouse_view
def carton_count_remove_view(request: HttpRequest, public_id: Any, position: int, entry_id: int) -> HttpResponse:
    shipment, receiving = _shipment_for(request, public_id)
    view = receiving.carton(position)
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
def shipment_finish_view(request: HttpRequest, public_id: Any) -> HttpResponse:
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


# ---- reports


@warehouse_view
def destroyed_report(request: HttpRequest) -> HttpResponse:
    """Units destroyed, with their legal derogation: the basis of the ESPR art. 24 annual disclosure."""
    form = ReportPeriodForm(request.GET or None)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = list(selectors.destroyed_units(warehouses=request.warehouses, start=start, end=end))
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="destroyed-units.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["confirmed_at", "warehouse", "rma_number", "sku", "name", "category", "grade", "derogation",
             "derogation_note", "unit_price", "confirmed_by"]
        )  # fmt: skip
        for d in rows:
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
    totals: dict[tuple[str, str], int] = {}
    for d in rows:
        key = (d.inspection.return_line.order_line.get_category_display(), d.get_derogation_display())
        totals[key] = totals.get(key, 0) + 1
    return _render(
        request,
        "warehouse/destroyed_report.html",
        {"form": form, "rows": rows, "totals": sorted(totals.items())},
    )


@warehouse_view
def discrepancies_report(request: HttpRequest) -> HttpResponse:
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
    return _render(
        request,
        "warehouse/discrepancies_report.html",
        {"form": form, "rows": list(queryset[:500]), "totals": totals, "query": request.GET.urlencode()},
    )
