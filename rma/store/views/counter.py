"""The counter pages: scan what the customer shows, check each line, or find the order and start a return."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rma.core.exceptions import DomainError
from rma.core.images import PICTURE_ACCEPT, CheckedImage, image_check
from rma.orders.models import Order
from rma.orders.selectors import order_get_for_customer
from rma.returns import policy as return_policy
from rma.returns.choices import Resolution, ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.selectors import reason_code_list
from rma.returns.services import ReturnLineInput
from rma.shipping.choices import CounterCondition
from rma.store import selectors
from rma.store.forms import OrderLookupForm, ScanForm
from rma.store.receipts import RECEIPT_SIZES
from rma.store.services.counter import (
    CounterLineCheck,
    counter_return_check,
    counter_return_check_allowed,
    counter_return_find,
    counter_return_start,
    return_request_in_store_scope,
)
from rma.store.views.common import StoreRequest, render_page, store_of, store_view

ORDER_TOKEN_SALT = "rma.store.order"
ORDER_TOKEN_MAX_AGE = 60 * 60 * 4


# ---- the counter


@store_view
def counter(request: StoreRequest) -> HttpResponse:
    """Scan what the customer shows, or look the order up; the returns checked lately."""
    store = request.current_store
    return render_page(
        request,
        "store/counter.html",
        {
            "lookup_form": OrderLookupForm(),
            "recent": selectors.counter_returns_recent(stores=[store]) if store else [],
        },
    )


@require_POST
@store_view
def scan(request: StoreRequest) -> HttpResponse:
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


def _line_rows(return_request: ReturnRequest, post: QueryDict | None = None) -> list[dict[str, Any]]:
    values = post if post is not None else QueryDict()  # the form as posted, or nothing yet
    rows = []
    for line in return_request.lines.all():
        check = getattr(line, "counter_check", None)
        prefix = f"line-{line.pk}"
        rows.append(
            {
                "line": line,
                "check": check,
                "prefix": prefix,
                "condition": values.get(f"{prefix}-condition", CounterCondition.GOOD),
                "decision": values.get(f"{prefix}-decision", "accept"),
                "reason": values.get(f"{prefix}-reason", ""),
            }
        )
    return rows


@store_view
def return_check(request: StoreRequest, public_id: UUID) -> HttpResponse:
    """Check each line of a return at the counter: condition, accept or refuse (with a reason)."""
    return_request = selectors.return_request_get_for_counter(user=request.user, public_id=public_id)
    if return_request is None:
        raise Http404
    store = request.current_store
    if return_request.store_id is not None:
        store = store_of(request, return_request.store_id)
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
            return render_page(
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
                ngettext(
                    "Return %(rma)s accepted: %(count)d item handed in.",
                    "Return %(rma)s accepted: %(count)d items handed in.",
                    outcome.accepted_units,
                )
                % {"rma": return_request.rma_number, "count": outcome.accepted_units},
            )
        return redirect("store:return", public_id=return_request.public_id)
    return render_page(
        request,
        "store/return_check.html",
        _return_context(return_request, _line_rows(return_request), refusal, checked),
    )


def _return_context(
    return_request: ReturnRequest, rows: list[dict[str, Any]], refusal: str | None, checked: bool
) -> dict[str, Any]:
    return {
        "return_request": return_request,
        "rows": rows,
        "refusal": refusal,
        "checked": checked,
        "conditions": CounterCondition.choices,
        "can_check": refusal is None and not checked,
        "receipt_sizes": RECEIPT_SIZES,
    }


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
def order_find(request: StoreRequest) -> HttpResponse:
    form = OrderLookupForm(request.POST)
    order = None
    if form.is_valid():
        order = order_get_for_customer(
            number=form.cleaned_data["order_number"], email_or_postcode=form.cleaned_data["email_or_postcode"]
        )
    if order is None:
        messages.error(request, _("No order matches this number and email or postcode."))
        return redirect("store:counter")
    return redirect("store:order", token=order_token(order))


@store_view
def order_detail(request: StoreRequest, token: str) -> HttpResponse:
    """The order as the customer sees it: its returns in progress, and a new return for the items still eligible."""
    order = _order_from_token(token)
    store = request.current_store
    eligibility = return_policy.order_eligibility(order=order)
    reasons = list(reason_code_list())
    returns = list(
        ReturnRequest.objects.filter(order=order).exclude(status=ReturnStatus.DRAFT).order_by("-created_at")
    )
    visible = [r for r in returns if return_request_in_store_scope(return_request=r, stores=request.stores)]
    status = 200
    if request.method == "POST" and store is not None:
        inputs = []
        photos: dict[int, list[CheckedImage]] = {}
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
            try:
                photos[line.pk] = [
                    image_check(upload, name=upload.name or "", size=upload.size)
                    for upload in request.FILES.getlist(f"photos-{line.pk}")
                ]
            except DomainError as exc:
                problem = exc.message
                break
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
                    photos=photos,
                )
            except DomainError as exc:
                problem = exc.message
            else:
                messages.success(request, _("Return %(rma)s created.") % {"rma": return_request.rma_number})
                return redirect("store:return", public_id=return_request.public_id)
        messages.error(request, problem)
        status = 422
    return render_page(
        request,
        "store/order.html",
        {
            "order": order,
            "eligibility": eligibility,
            "reasons": reasons,
            "returns": visible,
            "resolutions": [(r.value, r.label) for r in Resolution if r != Resolution.EXCHANGE],
            "token": token,
            "photo_accept": PICTURE_ACCEPT,
        },
        status=status,
    )
