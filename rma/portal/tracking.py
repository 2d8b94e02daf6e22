"""After confirming: the confirmation page, the tracking page and its status poll, and cancelling."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from rma.core.exceptions import DomainError
from rma.core.private_files import private_file_response
from rma.portal.formatting import drop_off_summary, line_view, mask_email, money, percent, sku_label
from rma.portal.labels import label_context, label_state
from rma.portal.session import portal_return_known
from rma.returns.choices import Resolution, ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.policy import policy_get_default, store_credit_offer
from rma.returns.selectors import return_photo_get_for_customer
from rma.returns.services import return_request_cancel
from rma.returns.states import CANCELLABLE_STATUSES
from rma.shipping.carriers import TrackingStatus
from rma.shipping.tracking_selectors import tracking_events_for_return
from rma.warehouse.choices import RefundMethod, StoreCreditStatus
from rma.warehouse.models import StoreCredit
from rma.warehouse.selectors import refund_of_return, store_credit_for_return


def _return_for(public_id: UUID) -> ReturnRequest:
    found = ReturnRequest.objects.with_details().filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def _status_payload(return_request: ReturnRequest) -> dict[str, Any]:
    return {
        "status": return_request.status,
        "status_label": return_request.get_status_display(),
        "label": label_state(return_request),
    }


def _expected_amount(return_request: ReturnRequest, credit: StoreCredit | None) -> tuple[Decimal, bool]:
    """What the customer should get back: the store credit issued, or the estimate (a store credit's with the
    policy's bonus); and whether a credit was issued."""
    if credit is not None:
        return credit.amount, True
    if return_request.resolution == Resolution.STORE_CREDIT:
        offer = store_credit_offer(policy=policy_get_default(), base=return_request.refund_estimate)
        return offer.amount, False
    return return_request.refund_estimate, False


def _return_summary(return_request: ReturnRequest) -> dict[str, Any]:
    currency = return_request.currency
    credit = store_credit_for_return(return_request=return_request)
    expected, credit_issued = _expected_amount(return_request, credit)
    # Once released, the amount really refunded replaces the estimate; a return settled by store credit shows the
    # credit the customer holds (bonus included, as on its card), whatever the refund row counted.
    refund = refund_of_return(return_request=return_request)
    refunded = ""
    if refund is not None:
        if credit is not None and refund.method == RefundMethod.STORE_CREDIT:
            refunded = money(credit.amount, credit.currency)
        else:
            refunded = money(refund.amount, refund.currency)
    lines = []
    for line in return_request.lines.all():
        lines.append(
            {
                **line_view(line.order_line, currency),
                "quantity": line.quantity,
                "reason": line.reason.label,
                "exchange": sku_label(line.exchange_sku) if line.exchange_sku else "",
            }
        )
    return {
        "return_request": return_request,
        "status_label": ReturnStatus(return_request.status).label,
        "lines": lines,
        "resolution": Resolution(return_request.resolution).label,
        "fee": money(return_request.fee_amount, currency),
        "refund": money(expected, currency),
        "store_credit_issued": credit_issued,
        "refunded": refunded,
        "refunded_as_credit": refund is not None and refund.method == RefundMethod.STORE_CREDIT,
        "drop_off": drop_off_summary(
            return_request.drop_off_method,
            return_request.drop_off_point,
            return_request.pickup_date,
            return_request.pickup_slot,
        ),
        "send_by": date_format(timezone.localtime(return_request.send_by), "DATE_FORMAT")
        if return_request.send_by
        else "",
        "tracking_url": settings.RMA_PUBLIC_BASE_URL.rstrip("/")
        + reverse("portal:tracking", kwargs={"public_id": return_request.public_id}),
        "can_cancel": return_request.status in CANCELLABLE_STATUSES,
        **label_context(return_request),
    }


@never_cache
@require_GET
def confirmation(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Shown right after confirming, to the session that created the return only."""
    if not portal_return_known(request=request, public_id=str(public_id)):
        raise Http404
    return_request = _return_for(public_id)
    context = {**_return_summary(return_request), "email": mask_email(return_request.contact_email)}
    return render(request, "portal/confirmation.html", context)


HAPPY_PATH = (
    ReturnStatus.SUBMITTED,
    ReturnStatus.APPROVED,
    ReturnStatus.LABEL_READY,
    ReturnStatus.IN_TRANSIT,
    ReturnStatus.RECEIVED,
    ReturnStatus.INSPECTED,
)
NEXT_STEPS: dict[str, Promise] = {
    ReturnStatus.DRAFT: _("Your return has not been sent yet."),
    ReturnStatus.SUBMITTED: _("We are checking your return. You will get an email when it is approved."),
    ReturnStatus.NEEDS_REVIEW: _(
        "A member of our team is looking at your return. You will get an email with the decision, usually within "
        "two working days."
    ),
    ReturnStatus.APPROVED: _("Your label is being prepared. This page updates itself when it is ready."),
    ReturnStatus.LABEL_READY: _(
        "Pack the items, then hand over the parcel as planned below, with its label or QR code."
    ),
    ReturnStatus.IN_TRANSIT: _("Your parcel is on its way to our warehouse. We will email you when it arrives."),
    ReturnStatus.RECEIVED: _("We have received your parcel and will inspect it within a few days."),
    ReturnStatus.INSPECTED: _("Your items have been inspected. The refund or exchange is being processed."),
    ReturnStatus.REFUNDED: _("Your refund has been issued. It can take 3 to 5 working days to appear."),
    ReturnStatus.EXCHANGED: _("Your exchange item is on its way."),
    ReturnStatus.CLOSED: _("This return is closed."),
    ReturnStatus.REJECTED: _(
        "This return was not accepted. See the reason below; you can contact us with any question."
    ),
    ReturnStatus.CANCELLED: _("This return was cancelled. The items can be returned again while the window is open."),
    ReturnStatus.EXPIRED: _("The parcel was not sent in time and this return has expired."),
}


def timeline(return_request: ReturnRequest) -> list[dict[str, Any]]:
    """What happened (the events, oldest first), then what is still to come on the usual path."""
    rows = []
    for event in return_request.events.all():
        if event.to_status == ReturnStatus.DRAFT:
            continue
        rows.append(
            {
                "label": ReturnStatus(event.to_status).label,
                "at": date_format(timezone.localtime(event.created_at), "DATETIME_FORMAT"),
                "iso": timezone.localtime(event.created_at).isoformat(),
                "done": True,
                # Only the reason of a decision is meant for the customer; notes are internal.
                "note": event.customer_reason,
            }
        )
    if rows:
        rows[-1]["current"] = True
    status = return_request.status
    if status in HAPPY_PATH:
        final = ReturnStatus.EXCHANGED if return_request.resolution == Resolution.EXCHANGE else ReturnStatus.REFUNDED
        for upcoming in (*HAPPY_PATH[HAPPY_PATH.index(status) + 1 :], final):
            rows.append({"label": ReturnStatus(upcoming).label, "done": False})
    elif status == ReturnStatus.NEEDS_REVIEW:
        rows.append({"label": ReturnStatus.APPROVED.label, "done": False})
    return rows


def carrier_steps(return_request: ReturnRequest) -> list[dict[str, Any]]:
    """The carrier's steps for the parcel, newest first: when, our words for it, the carrier's own, and where."""
    steps = []
    for event in tracking_events_for_return(return_request=return_request):
        at = timezone.localtime(event.at)
        label = TrackingStatus(event.status).label
        description = event.description if event.description and event.description != str(label) else ""
        steps.append(
            {
                "status": event.status,
                "label": label,
                "description": description,
                "location": event.location,
                "at": date_format(at, "DATETIME_FORMAT"),
                "iso": at.isoformat(),
            }
        )
    return steps


def store_credit_view(return_request: ReturnRequest) -> dict[str, Any] | None:
    """The return's store credit as the tracking page shows it (its code included), or None."""
    credit = store_credit_for_return(return_request=return_request)
    if credit is None:
        return None
    status = credit.current_status()
    return {
        "code": credit.code,
        "amount": money(credit.amount, credit.currency),
        "bonus": percent(credit.bonus_percent) if credit.bonus_amount else "",
        "balance": money(credit.balance, credit.currency),
        "expires": date_format(timezone.localtime(credit.expires_at), "DATE_FORMAT") if credit.expires_at else "",
        "status": status,
        "status_label": StoreCreditStatus(status).label,
        "usable": status == StoreCreditStatus.ACTIVE,
    }


@never_cache
@require_GET
def tracking(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return_request = _return_for(public_id)
    store_credit = store_credit_view(return_request)
    next_step = NEXT_STEPS.get(return_request.status, "")
    if store_credit and return_request.status == ReturnStatus.REFUNDED:
        next_step = _("Your store credit has been issued: give its code below at checkout, online or in a shop.")
    summary = _return_summary(return_request)
    if summary["label_fix"] is not None:
        next_step = _("The carrier could not use your address for the label: please check it below.")
    context = {
        **summary,
        "timeline": timeline(return_request),
        "carrier_steps": carrier_steps(return_request),
        "next_step": next_step,
        "store_credit": store_credit,
    }
    return render(request, "portal/tracking.html", context)


@never_cache
@require_GET
def status(request: HttpRequest, public_id: UUID) -> JsonResponse:
    """What the confirmation and tracking pages poll until the label is ready: the return and its label only."""
    return_request = ReturnRequest.objects.select_related("label").filter(public_id=public_id).first()
    if return_request is None:
        raise Http404
    return JsonResponse(_status_payload(return_request))


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return_request = _return_for(public_id)
    if return_request.status not in CANCELLABLE_STATUSES:
        messages.error(request, _("This return can no longer be cancelled."))
        return redirect("portal:tracking", public_id=public_id)
    if request.method == "POST":
        try:
            return_request_cancel(
                return_request=return_request, note=gettext("Cancelled by the customer."), actor_label="customer"
            )
        except DomainError:
            messages.error(request, _("This return can no longer be cancelled."))
        else:
            messages.success(request, _("Your return has been cancelled."))
        return redirect("portal:tracking", public_id=public_id)
    return render(request, "portal/cancel.html", _return_summary(return_request))


@require_GET
def return_photo(request: HttpRequest, public_id: UUID, photo_id: int) -> HttpResponseBase:
    """A photo the customer sent with their return: only in the portal session that created it (else 404)."""
    if not portal_return_known(request=request, public_id=str(public_id)):
        raise Http404
    photo = return_photo_get_for_customer(public_id=public_id, photo_id=photo_id)
    if photo is None:
        raise Http404
    return private_file_response(field_file=photo.image, content_type=photo.content_type)
