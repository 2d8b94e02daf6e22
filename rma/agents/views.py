"""Customer service's pages: the review queue, a return's page, approve or reject with a reason, internal notes,
and the parcels the carrier's tracking flagged (a problem, a parcel sent back, no news), which an agent marks handled.

Every page needs the permission to approve or reject returns (the agent role has it; see rma.core.role_groups).
Decisions go through the returns services, which lock the return and check its status: two agents deciding at once
get one decision, and the second is told the return has moved on.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rma.agents.display import history_view, money, queue_rows
from rma.agents.forms import ApproveForm, NoteForm, RejectForm
from rma.core.exceptions import DomainError
from rma.core.http import url_prefix
from rma.returns import selectors
from rma.returns.choices import ReturnStatus
from rma.returns.customer_history import customer_histories_for, customer_history_for_return, customer_keys_for_return
from rma.returns.models import ReturnRequest
from rma.returns.notes import return_note_add, return_notes_list
from rma.returns.services import return_request_approve, return_request_reject
from rma.shipping.models import Label
from rma.shipping.services.tracking import label_tracking_alert_clear
from rma.shipping.tracking_selectors import labels_flagged, tracking_events_for_return

REVIEW_PERMISSION = "returns.review_returnrequest"


class AgentRequest(HttpRequest):
    """A request `agent_view` lets through: a signed-in user who may decide on returns."""

    user: User


QUEUE_PAGE_SIZE = 25


def agent_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in users who may approve or reject returns: others are sent to log in, or refused (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("agents:login"))
        if not request.user.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _return_or_404(request: AgentRequest, public_id: UUID) -> ReturnRequest:
    found = selectors.return_request_get(user=request.user, public_id=public_id)
    if found is None:
        raise Http404
    return found


@require_GET
@agent_view
def queue(request: AgentRequest) -> HttpResponse:
    """The returns waiting for a decision, the longest waiting first, with why and the customer's history."""
    page = Paginator(selectors.return_requests_needing_review(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    histories = customer_histories_for({r.pk: customer_keys_for_return(r) for r in page.object_list})
    rows = queue_rows(page.object_list, histories, url_prefix("agents:return", sample=UUID(int=0)))
    flagged = Paginator(labels_flagged(), QUEUE_PAGE_SIZE).get_page(request.GET.get("flagged_page"))
    return render(request, "agents/queue.html", {"page": page, "rows": rows, "flagged": flagged})


def _detail_context(request: AgentRequest, return_request: ReturnRequest, **forms: Any) -> dict[str, Any]:
    currency = return_request.currency
    # The lines, their photos and the label came with the return (selectors.return_request_get).
    lines = [
        {"line": line, "unit_price": money(line.order_line.unit_price, currency), "photos": list(line.photos.all())}
        for line in return_request.lines.all()
    ]
    return {
        "return_request": return_request,
        "carrier_steps": list(tracking_events_for_return(return_request=return_request)),
        "refund_estimate": money(return_request.refund_estimate, currency),
        "fee": money(return_request.fee_amount, currency),
        "lines": lines,
        "events": list(return_request.events.all()),
        "notes": list(return_notes_list(return_request=return_request)),
        "history": history_view(customer_history_for_return(return_request)),
        "can_decide": return_request.status == ReturnStatus.NEEDS_REVIEW,
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "label": getattr(return_request, "label", None),  # none made yet: the relation raises, an AttributeError
    }


@require_GET
@agent_view
def return_detail(request: AgentRequest, public_id: UUID) -> HttpResponse:
    """One return: lines, photos, timeline with reasons, internal notes, and the decision when it waits for one."""
    return_request = _return_or_404(request, public_id)
    return render(request, "agents/return_detail.html", _detail_context(request, return_request))


def _decide(
    request: AgentRequest,
    public_id: UUID,
    form_class: type[ApproveForm] | type[RejectForm],
    form_name: str,
    decide: Callable[..., ReturnRequest],
    done: str,
) -> HttpResponse:
    return_request = _return_or_404(request, public_id)
    form = form_class(request.POST)
    if not form.is_valid():
        context = _detail_context(request, return_request, **{form_name: form})
        return render(request, "agents/return_detail.html", context, status=400)
    try:
        with transaction.atomic():
            decide(return_request=return_request, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        # Most often another agent decided first: the return has moved on.
        messages.error(
            request, _("%(rma)s was not changed: %(error)s") % {"rma": return_request.rma_number, "error": exc}
        )
        return redirect("agents:return", public_id=return_request.public_id)
    messages.success(request, done % {"rma": return_request.rma_number})
    return redirect("agents:queue")


@require_POST
@agent_view
def return_approve(request: AgentRequest, public_id: UUID) -> HttpResponse:
    return _decide(request, public_id, ApproveForm, "approve_form", return_request_approve, _("%(rma)s approved."))


@require_POST
@agent_view
def return_reject(request: AgentRequest, public_id: UUID) -> HttpResponse:
    return _decide(request, public_id, RejectForm, "reject_form", return_request_reject, _("%(rma)s rejected."))


@require_POST
@agent_view
def note_add(request: AgentRequest, public_id: UUID) -> HttpResponse:
    # The return alone: its lines, history and sites are read only to show the page again with the form's errors.
    return_request = selectors.return_request_get_alone(user=request.user, public_id=public_id)
    if return_request is None:
        raise Http404
    if not request.user.has_perm("returns.add_returnnote"):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, _return_or_404(request, public_id), note_form=form)
        return render(request, "agents/return_detail.html", context, status=400)
    return_note_add(return_request=return_request, author=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Note added."))
    return redirect(reverse("agents:return", kwargs={"public_id": return_request.public_id}) + "#notes")


@require_POST
@agent_view
def tracking_alert_clear(request: AgentRequest, public_id: UUID) -> HttpResponse:
    """Mark the carrier's flag on the return's parcel as handled (an internal note records it)."""
    return_request = _return_or_404(request, public_id)
    if not request.user.has_perm("returns.add_returnnote"):
        raise PermissionDenied
    label = Label.objects.filter(return_request=return_request).first()
    if label is None:
        raise Http404
    try:
        label_tracking_alert_clear(label=label, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(rma)s: the carrier's flag is handled.") % {"rma": return_request.rma_number})
    return redirect("agents:return", public_id=return_request.public_id)
