"""Warehouse pages: a parcel nobody announced, matched to its return."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from rma.core.exceptions import DomainError
from rma.core.http import found_or_404
from rma.warehouse import selectors
from rma.warehouse.forms import MatchForm
from rma.warehouse.services import return_request_find_by_code, unexpected_parcel_match
from rma.warehouse.views.common import WarehouseRequest, render_page, warehouse_view


@warehouse_view
def unexpected_parcel(request: WarehouseRequest, pk: int) -> HttpResponse:
    parcel = found_or_404(selectors.unexpected_parcel_get_for_warehouse(user=request.user, pk=pk))
    form = MatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and parcel.matched_return_id is None:
        found = return_request_find_by_code(code=form.cleaned_data["code"])
        if found is None or not selectors.returns_in_scope(user=request.user).filter(pk=found.pk).exists():
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
    return render_page(request, "warehouse/unexpected_parcel.html", {"parcel": parcel, "form": form})
