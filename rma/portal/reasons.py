"""Step 3: a reason, a comment and photos for each item."""

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from rma.core.private_files import SANDBOX_POLICY, stored_file_response
from rma.orders.models import Order
from rma.portal.formatting import line_view
from rma.portal.forms import LineReasonForm
from rma.portal.guards import portal_required, render_step
from rma.portal.items import chosen_lines
from rma.portal.session import (
    PortalState,
    photo_stage,
    photo_staged_find,
    photo_unstage,
    portal_state,
    portal_state_save,
)
from rma.returns.models import ReasonCode


def _reason_forms(request: HttpRequest, order: Order, state: PortalState, *, bind: bool) -> list[dict[str, Any]]:
    details = state.setdefault("details", {})
    reasons = list(ReasonCode.objects.filter(is_active=True))  # once for every line's form
    blocks = []
    for line, quantity in chosen_lines(order, state):
        saved = details.get(str(line.pk), {})
        staged = saved.get("photos", [])
        form = LineReasonForm(
            request.POST if bind else None,
            request.FILES if bind else None,
            prefix=f"l{line.pk}",
            staged_count=len(staged),
            reasons=reasons,
            initial={"reason": saved.get("reason"), "comment": saved.get("comment", "")},
        )
        blocks.append({**line_view(line, order.currency), "quantity": quantity, "form": form, "staged": staged})
    return blocks


@portal_required
def reasons(request: HttpRequest, order: Order) -> HttpResponse:
    state = portal_state(request=request)
    if not state.get("lines"):
        return redirect("portal:items")
    details = state.setdefault("details", {})
    if request.method == "POST" and request.POST.get("remove_photo"):
        photo_unstage(request=request, photo_id=request.POST["remove_photo"])
        messages.info(request, _("The photo was removed."))
        return redirect("portal:reasons")
    blocks = _reason_forms(request, order, state, bind=request.method == "POST")
    if request.method == "POST":
        all_valid = True
        for block in blocks:
            form, pk = block["form"], str(block["pk"])
            valid = form.is_valid()
            all_valid &= valid
            detail = details.setdefault(pk, {})
            # Keep what is good even when something else is not, so that nothing must be typed or sent twice.
            if hasattr(form, "cleaned_data"):
                if form.cleaned_data.get("reason") is not None:
                    detail["reason"] = form.cleaned_data["reason"].pk
                if "comment" in form.cleaned_data:
                    detail["comment"] = form.cleaned_data["comment"]
                for checked in form.cleaned_data.get("photos") or []:
                    photo_stage(request=request, line_pk=block["pk"], image=checked.image, filename=checked.filename)
        portal_state_save(request=request)
        if all_valid:
            return redirect("portal:resolution")
        for block in blocks:
            block["staged"] = details.get(str(block["pk"]), {}).get("photos", [])
    photo_reasons = list(ReasonCode.objects.filter(is_active=True, requires_photo=True))
    context = {
        "order": order,
        "blocks": blocks,
        "photo_reason_ids": ",".join(str(r.pk) for r in photo_reasons),
        "photo_reason_labels": ", ".join(r.label for r in photo_reasons),
        "has_errors": any(block["form"].errors for block in blocks),
    }
    return render_step(
        request, "portal/reasons.html", "reasons", context, status=400 if context["has_errors"] else 200
    )


@portal_required
@require_GET
def staged_photo(request: HttpRequest, order: Order, photo_id: str) -> HttpResponseBase:
    """A preview of a photo uploaded in this session (and only this session)."""
    photo = photo_staged_find(request=request, photo_id=photo_id)
    if photo is None or photo["content_type"] == "image/heic":
        raise Http404
    response = stored_file_response(storage=default_storage, name=photo["name"], content_type=photo["content_type"])
    response["Content-Security-Policy"] = SANDBOX_POLICY
    return response


def reasons_complete(order: Order, state: PortalState) -> bool:
    """Whether every chosen line has a reason, and the photos its reason asks for."""
    details = state.get("details") or {}
    reasons_by_pk = {r.pk: r for r in ReasonCode.objects.filter(is_active=True)}
    for line, _quantity in chosen_lines(order, state):
        detail = details.get(str(line.pk)) or {}
        reason_pk = detail.get("reason")
        reason = reasons_by_pk.get(reason_pk) if reason_pk is not None else None
        if reason is None or (reason.requires_photo and not detail.get("photos")):
            return False
    return bool(state.get("lines"))
