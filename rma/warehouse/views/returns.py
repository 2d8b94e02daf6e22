"""Warehouse pages: a return and its units (inspect, confirm the disposition), and its refund."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rma.core.exceptions import DomainError
from rma.core.http import found_or_404
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.notes import return_note_add, return_notes_list
from rma.warehouse import selectors
from rma.warehouse.choices import Derogation, DispositionKind, UnitCondition
from rma.warehouse.forms import DispositionForm, InspectionForm
from rma.warehouse.services import (
    disposition_confirm,
    disposition_suggest,
    inspection_record,
    refund_compute,
    refund_release,
)
from rma.warehouse.views.common import WarehouseRequest, render_page, warehouse_view


def _next_unit_url(return_request: ReturnRequest, units: list[selectors.Unit]) -> str:
    for unit in units:
        if unit.inspection is None:
            return _unit_url("warehouse:unit-inspect", return_request, unit)
        if unit.needs_disposition:
            return _unit_url("warehouse:unit-disposition", return_request, unit)
    return ""


def _unit_url(name: str, return_request: ReturnRequest, unit: selectors.Unit) -> str:
    return reverse(name, kwargs={"public_id": return_request.public_id, "line_id": unit.line.pk, "unit": unit.number})


@warehouse_view
def return_detail(request: WarehouseRequest, public_id: UUID) -> HttpResponse:
    return_request = found_or_404(
        selectors.return_request_detail_for_warehouse(
            user=request.user, public_id=public_id, warehouses=request.warehouses
        )
    )
    units = selectors.return_units(return_request=return_request)
    rules = selectors.disposition_rules_active()
    rows = []
    for unit in units:
        suggestion = (
            disposition_suggest(inspection=unit.inspection, rules=rules)
            if unit.needs_disposition and unit.inspection is not None
            else None
        )
        rows.append(
            {
                "unit": unit,
                "suggestion": suggestion,
                "inspect_url": _unit_url("warehouse:unit-inspect", return_request, unit),
                "disposition_url": _unit_url("warehouse:unit-disposition", return_request, unit),
            }
        )
    lines = {unit.line.pk: unit.line for unit in units}
    customer_photos = [(line, list(line.photos.all())) for line in lines.values() if line.photos.all()]
    computation = None
    if return_request.status in (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED):
        computation = refund_compute(return_request=return_request)
    refund = getattr(return_request, "refund", None)
    return render_page(
        request,
        "warehouse/return_detail.html",
        {
            "return_request": return_request,
            "rows": rows,
            "customer_photos": customer_photos,
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
            # Internal notes of customer service and the warehouse (never shown to the customer).
            "notes": list(return_notes_list(return_request=return_request))
            if request.user.has_perm("returns.view_returnnote")
            else None,
            "can_add_note": request.user.has_perm("returns.add_returnnote"),
        },
    )


@require_POST
@warehouse_view
def return_note_add_view(request: WarehouseRequest, public_id: UUID) -> HttpResponse:
    """Add an internal note to a return of the operator's warehouse."""
    return_request = found_or_404(
        selectors.return_request_get_for_warehouse(
            user=request.user, public_id=public_id, warehouses=request.warehouses
        )
    )
    if not request.user.has_perm("returns.add_returnnote"):
        raise PermissionDenied
    try:
        return_note_add(return_request=return_request, author=request.user, body=request.POST.get("body", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Note added."))
    return redirect(reverse("warehouse:return", kwargs={"public_id": return_request.public_id}) + "#notes")


def _unit_from(
    request: WarehouseRequest, public_id: UUID, line_id: int, unit: int
) -> tuple[ReturnRequest, selectors.Unit]:
    return_request = found_or_404(
        selectors.return_request_get_for_warehouse(
            user=request.user, public_id=public_id, warehouses=request.warehouses
        )
    )
    return return_request, found_or_404(
        selectors.unit_get(return_request=return_request, line_id=line_id, unit_index=unit - 1)
    )


@warehouse_view
def unit_inspect(request: WarehouseRequest, public_id: UUID, line_id: int, unit: int) -> HttpResponse:
    """Grade one unit: condition, grade, checklist, serial number, notes, photos."""
    return_request, found = _unit_from(request, public_id, line_id, unit)
    order_line = found.line.order_line
    grades = selectors.grades_for(category=order_line.category)
    checklist_items = selectors.checklist_items_for(category=order_line.category)
    needs_serial = order_line.has_serial_number
    if request.method == "POST":
        form = InspectionForm(
            request.POST, request.FILES, grades=grades, checklist_items=checklist_items, needs_serial=needs_serial
        )
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
        form = InspectionForm(
            initial=initial, grades=grades, checklist_items=checklist_items, needs_serial=needs_serial
        )
    return render_page(
        request,
        "warehouse/unit_inspect.html",
        {"return_request": return_request, "unit": found, "form": form, "order_line": order_line},
    )


def _after_unit(request: WarehouseRequest, return_request: ReturnRequest) -> HttpResponse:
    """The next unit to handle, or the return's page (with the refund) when all are done."""
    return_request.refresh_from_db(fields=["status"])
    if return_request.status == ReturnStatus.RECEIVED:
        next_url = _next_unit_url(return_request, selectors.return_units(return_request=return_request))
        if next_url:
            return HttpResponseRedirect(next_url)
    return redirect("warehouse:return", public_id=return_request.public_id)


@warehouse_view
def unit_disposition(request: WarehouseRequest, public_id: UUID, line_id: int, unit: int) -> HttpResponse:
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
    return render_page(
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
def refund_release_view(request: WarehouseRequest, public_id: UUID) -> HttpResponse:
    return_request = found_or_404(
        selectors.return_request_get_for_warehouse(
            user=request.user, public_id=public_id, warehouses=request.warehouses
        )
    )
    try:
        result = refund_release(return_request=return_request, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("warehouse:return", public_id=return_request.public_id)
    messages.success(request, f"{return_request.rma_number}: {result.message}")
    return redirect("warehouse:board")
