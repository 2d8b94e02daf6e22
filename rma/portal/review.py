"""Step 6: review the answers, see the fee and refund, and confirm: the return is created."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language

from rma.core.exceptions import DomainError
from rma.core.images import CheckedImage
from rma.locations.models import DropOffPoint
from rma.orders.models import Order
from rma.portal.formatting import drop_off_summary, line_view, mask_email, money, percent, variant_label
from rma.portal.guards import portal_required, render_step
from rma.portal.items import chosen_lines
from rma.portal.reasons import reasons_complete
from rma.portal.resolution import chosen_exchange_options
from rma.portal.session import PortalState, portal_return_remember, portal_state, portal_wizard_reset
from rma.returns import policy as return_policy
from rma.returns.carbon import HOME_PICKUP
from rma.returns.choices import Resolution
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import ReasonCode, ReturnRequest
from rma.returns.services import ReturnLineInput, return_request_create


class IncompleteReturn(Exception):
    """An earlier step is missing or out of date: the customer is sent back to it."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


def _build_inputs(order: Order, state: PortalState) -> tuple[list[ReturnLineInput], DropOffChoice, str]:
    """Turn the session's answers into service inputs, or say which step must be done again."""
    if not state.get("lines"):
        raise IncompleteReturn("portal:items")
    if not reasons_complete(order, state):
        raise IncompleteReturn("portal:reasons")
    resolution_value = state.get("resolution")
    if resolution_value not in Resolution.values:
        raise IncompleteReturn("portal:resolution")
    saved = state.get("drop_off") or {}
    if saved.get("method") == HOME_PICKUP:
        try:
            pickup_date = date.fromisoformat(saved.get("pickup_date", ""))
        except ValueError:
            raise IncompleteReturn("portal:drop_off") from None
        choice = DropOffChoice(method=HOME_PICKUP, pickup_date=pickup_date, pickup_slot=saved.get("pickup_slot", ""))
    elif saved.get("point"):
        point = DropOffPoint.objects.select_related("store").filter(pk=saved["point"]).first()
        if point is None:
            raise IncompleteReturn("portal:drop_off")
        choice = DropOffChoice(method=saved.get("method", point.kind), point=point)
    else:
        raise IncompleteReturn("portal:drop_off")
    reasons_by_pk = {r.pk: r for r in ReasonCode.objects.filter(is_active=True)}
    details = state.get("details") or {}
    exchange = state.get("exchange") or {}
    inputs = [
        ReturnLineInput(
            order_line=line,
            quantity=quantity,
            reason=reasons_by_pk[details[str(line.pk)]["reason"]],
            comment=details[str(line.pk)].get("comment", ""),
            exchange_sku=exchange.get(str(line.pk), "") if resolution_value == Resolution.EXCHANGE else "",
        )
        for line, quantity in chosen_lines(order, state)
    ]
    return inputs, choice, resolution_value


def _variant_names(order: Order, state: PortalState) -> dict[str, str]:
    names: dict[str, str] = {}
    if state.get("resolution") != Resolution.EXCHANGE:
        return names
    for variants in chosen_exchange_options(order, state).values():
        for variant in variants:
            names[variant.sku] = variant_label(variant)
    return names


@portal_required
def review(request: HttpRequest, order: Order) -> HttpResponse:
    state = portal_state(request=request)
    try:
        inputs, choice, resolution_value = _build_inputs(order, state)
    except IncompleteReturn as incomplete:
        return redirect(incomplete.step)
    error = ""
    if request.method == "POST":
        try:
            return_request = _create_return(request, order, state, inputs, choice, resolution_value)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("portal:confirmation", public_id=return_request.public_id)
    policy = return_policy.policy_get_default()
    value = sum((item.order_line.unit_price * item.quantity for item in inputs), Decimal("0.00"))
    terms = return_policy.money_terms_for(
        policy=policy,
        value=value,
        reasons=[i.reason for i in inputs],
        drop_off_method=choice.method,
        resolution=resolution_value,
    )
    fee, refund = terms.fee, terms.refund_estimate
    bonus: dict[str, str] = {}
    if resolution_value == Resolution.STORE_CREDIT:
        offer = return_policy.store_credit_offer(policy=policy, base=refund)
        refund = offer.amount
        if offer.bonus:
            bonus = {"amount": money(offer.bonus, order.currency), "percent": percent(offer.bonus_percent)}
    names = _variant_names(order, state)
    details = state.get("details") or {}
    lines = [
        {
            **line_view(item.order_line, order.currency),
            "quantity": item.quantity,
            "reason": item.reason.label,
            "comment": item.comment,
            "photos": details.get(str(item.order_line.pk), {}).get("photos", []),
            "exchange": names.get(item.exchange_sku, item.exchange_sku),
            "subtotal": money(item.order_line.unit_price * item.quantity, order.currency),
        }
        for item in inputs
    ]
    context = {
        "order": order,
        "lines": lines,
        "resolution": Resolution(resolution_value).label,
        "resolution_value": resolution_value,
        "value": money(value, order.currency),
        "fee": money(fee, order.currency),
        "fee_is_zero": fee == 0,
        "refund": money(refund, order.currency),
        "store_credit_bonus": bonus,
        "drop_off": drop_off_summary(choice.method, choice.point, choice.pickup_date, choice.pickup_slot),
        "error": error,
        "email": mask_email(order.customer_email),
    }
    return render_step(request, "portal/review.html", "review", context, status=422 if error else 200)


def _create_return(request, order, state, inputs, choice, resolution_value) -> ReturnRequest:
    with transaction.atomic():
        photos, staged_names = _staged_photos(order, state)
        return_request = return_request_create(
            order=order,
            lines=inputs,
            drop_off=choice,
            resolution=resolution_value,
            contact_email=order.customer_email,
            locale=(get_language() or settings.LANGUAGE_CODE)[:2],
            submit=True,
            photos=photos,
        )
        # Their files are deleted once the return is committed, not with the wizard's answers below.
        for detail in (state.get("details") or {}).values():
            detail["photos"] = []

        def staged_photos_delete() -> None:
            for name in staged_names:
                default_storage.delete(name)

        transaction.on_commit(staged_photos_delete)
    portal_return_remember(request=request, public_id=str(return_request.public_id))
    portal_wizard_reset(request=request)
    return return_request


def _staged_photos(order: Order, state: PortalState) -> tuple[dict[int, list[CheckedImage]], list[str]]:
    """The photos staged during the journey (already checked and re-encoded), by order line, and their files."""
    details = state.get("details") or {}
    photos: dict[int, list[CheckedImage]] = {}
    staged_names = []
    for line, _quantity in chosen_lines(order, state):
        for photo in details.get(str(line.pk), {}).get("photos", []):
            # One call to the storage, not a look then a read (a round trip each when it is a bucket).
            try:
                with default_storage.open(photo["name"], "rb") as handle:
                    content = handle.read()
            except FileNotFoundError:
                continue
            extension = photo["name"].rsplit(".", 1)[-1]
            photos.setdefault(line.pk, []).append(
                CheckedImage(
                    content=content, content_type=photo["content_type"], extension=extension, width=0, height=0
                )
            )
            staged_names.append(photo["name"])
    return photos, staged_names
