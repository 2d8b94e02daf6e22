"""Everything that changes a return goes through these functions."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.exceptions import DomainError, InvalidTransition, NotEligible
from rma.core.images import CheckedImage
from rma.core.prefetched import prefetched_set
from rma.locations.models import Store
from rma.orders.models import Order, OrderLine
from rma.returns import policy as return_policy
from rma.returns.carbon import footprint_build
from rma.returns.choices import CreationChannel, Resolution, ReturnStatus
from rma.returns.drop_offs import DropOffChoice, destination_warehouse_for, drop_off_validate
from rma.returns.exchanges import exchanges_check
from rma.returns.idempotency import idempotency_key_claim, idempotency_key_fulfil, request_fingerprint
from rma.returns.lock_objects import order_lines_select_for_update
from rma.returns.models import (
    ReasonCode,
    ReturnEvent,
    ReturnLine,
    ReturnPolicy,
    ReturnRequest,
)
from rma.returns.photos import photos_missing_refuse, photos_required_check, return_line_photo_add
from rma.returns.transitions import (
    Actor,
    Move,
    actor_label_for,
    moves_plan,
    moves_record,
    order_lines_quantities_add,
    return_request_transition,
    transition_apply,
)

__all__ = [
    "Actor",
    "ReturnLineInput",
    "return_request_approve",
    "return_request_cancel",
    "return_request_create",
    "return_request_create_once",
    "return_request_reject",
    "return_request_submit",
    "return_request_transition",
    "return_requests_expire",
]


@dataclass(frozen=True)
class ReturnLineInput:
    order_line: OrderLine
    quantity: int
    reason: ReasonCode
    comment: str = ""
    exchange_sku: str = ""


def return_request_create(
    *,
    order: Order,
    lines: Sequence[ReturnLineInput],
    drop_off: DropOffChoice,
    resolution: str = Resolution.REFUND,
    contact_email: str = "",
    locale: str = "fr",
    channel: str = CreationChannel.PORTAL,
    actor: Actor = None,
    store: Store | None = None,
    submit: bool = False,
    idempotency_key: str = "",
    idempotency_scope: str = "",
    photos: Mapping[int, Sequence[CheckedImage]] | None = None,
) -> ReturnRequest:
    """Create a return for some lines of an order (see `return_request_create_once`), and give it back."""
    return_request, _replayed = return_request_create_once(
        order=order,
        lines=lines,
        drop_off=drop_off,
        resolution=resolution,
        contact_email=contact_email,
        locale=locale,
        channel=channel,
        actor=actor,
        store=store,
        submit=submit,
        idempotency_key=idempotency_key,
        idempotency_scope=idempotency_scope,
        photos=photos,
    )
    return return_request


@transaction.atomic
def return_request_create_once(
    *,
    order: Order,
    lines: Sequence[ReturnLineInput],
    drop_off: DropOffChoice,
    resolution: str = Resolution.REFUND,
    contact_email: str = "",
    locale: str = "fr",
    channel: str = CreationChannel.PORTAL,
    actor: Actor = None,
    store: Store | None = None,
    submit: bool = False,
    idempotency_key: str = "",
    idempotency_scope: str = "",
    photos: Mapping[int, Sequence[CheckedImage]] | None = None,
) -> tuple[ReturnRequest, bool]:
    """Create a return for some lines of an order, after checking each line against the policy.

    With an idempotency key, the same key (from the same caller) gives back the return it created, even to requests
    sent at the same moment (rma/returns/idempotency.py); the flag says it was such a replay.
    `photos`: checked pictures by order line pk, attached before the return is submitted.
    """
    claim = None
    if idempotency_key:
        fingerprint = request_fingerprint(
            order=order,
            lines=[(i.order_line.pk, i.quantity, i.reason) for i in lines],
            drop_off=drop_off,
            resolution=resolution,
        )
        claim, earlier = idempotency_key_claim(scope=idempotency_scope, key=idempotency_key, fingerprint=fingerprint)
        if earlier is not None:
            return earlier, True

    if resolution not in Resolution.values:
        raise DomainError(_("Unknown resolution."), code="invalid_resolution")
    if not lines:
        raise DomainError(_("Choose at least one item to return."), code="no_lines")
    if len({item.order_line.pk for item in lines}) != len(lines):
        raise DomainError(_("Each item may appear only once in a return."), code="duplicate_lines")
    if any(item.order_line.order_id != order.pk for item in lines):
        raise DomainError(_("An item does not belong to this order."), code="foreign_line")
    if any(item.quantity < 1 for item in lines):
        raise DomainError(_("Quantities must be at least 1."), code="invalid_quantity")
    if any(not item.reason.is_active for item in lines):
        raise DomainError(_("This reason can no longer be chosen."), code="invalid_reason")
    if resolution == Resolution.EXCHANGE and any(
        not item.exchange_sku or item.exchange_sku == item.order_line.sku for item in lines
    ):
        raise DomainError(_("Choose the size or colour you want in exchange."), code="exchange_sku_required")
    drop_off_validate(choice=drop_off)
    if submit:
        # Refused before anything is written or stored (submitting checks it again).
        photos_missing_refuse(
            missing=[
                (item.order_line, item.reason)
                for item in lines
                if item.reason.requires_photo and not (photos or {}).get(item.order_line.pk)
            ]
        )

    policy = return_policy.policy_get_default()
    if resolution == Resolution.EXCHANGE:
        exchanges_check(items=[(item.order_line, item.exchange_sku) for item in lines], policy=policy)
    # Lock the order's lines: two returns created at once cannot both take the last unit.
    locked_lines = {
        line.pk: line for line in order_lines_select_for_update(ids=[item.order_line.pk for item in lines])
    }
    refusals = {}
    for item in lines:
        line = locked_lines[item.order_line.pk]
        line.order = order
        verdict = return_policy.line_eligibility(policy=policy, line=line, reason=item.reason)
        if not verdict.eligible:
            refusals[str(line.pk)] = {"code": verdict.code, "message": verdict.message}
        elif item.quantity > verdict.returnable_quantity:
            refusals[str(line.pk)] = {
                "code": "over_quantity",
                "message": _("Only %(count)d of this item can still be returned.")
                % {"count": verdict.returnable_quantity},
            }
    if refusals:
        first = next(iter(refusals.values()))
        raise NotEligible(first["message"], code=first["code"], extra={"lines": refusals})

    value = sum((locked_lines[i.order_line.pk].unit_price * i.quantity for i in lines), Decimal("0.00"))
    terms = return_policy.money_terms_for(
        policy=policy,
        value=value,
        reasons=[i.reason for i in lines],
        drop_off_method=drop_off.method,
        resolution=resolution,
    )
    return_request = ReturnRequest(
        order=order,
        status=ReturnStatus.DRAFT,
        resolution=resolution,
        drop_off_method=drop_off.method,
        drop_off_point=drop_off.point,
        pickup_date=drop_off.pickup_date,
        pickup_slot=drop_off.pickup_slot,
        destination_warehouse=destination_warehouse_for(point=drop_off.point, order=order),
        store=store or (drop_off.point.store if drop_off.point is not None else None),
        contact_email=contact_email or order.customer_email,
        contact_name=order.customer_name,
        locale=locale,
        channel=channel,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        currency=order.currency,
        fee_amount=terms.fee,
        refund_estimate=terms.refund_estimate,
        returnless=terms.returnless,
    )
    # Submitted at once: the policy decides now, and the row is inserted in its last status (its photos were
    # checked above); the moves' events and reactions follow the insert, in this transaction. With photos, they are
    # attached to the draft first, and it is submitted after.
    planned = []
    if submit and not photos:
        planned = moves_plan(new=return_request, moves=_submission_moves(return_request, actor, policy))
    return_request.save(force_insert=True)
    return_request.footprint = footprint_build(return_request=return_request, order=order, point=drop_off.point)
    return_request.footprint.save(force_insert=True)
    return_lines = ReturnLine.objects.bulk_create(
        ReturnLine(
            return_request=return_request,
            order_line=item.order_line,
            quantity=item.quantity,
            reason=item.reason,
            comment=item.comment,
            exchange_sku=item.exchange_sku if resolution == Resolution.EXCHANGE else "",
        )
        for item in lines
    )
    order_lines_quantities_add(quantities={item.order_line.pk: item.quantity for item in lines})
    created = ReturnEvent(
        return_request=return_request,
        actor=return_request.created_by,
        actor_label=actor_label_for(actor, "customer"),
        from_status="",
        to_status=ReturnStatus.DRAFT,
        note=_("Created through %(channel)s.") % {"channel": CreationChannel(channel).label},
    )
    if claim is not None:
        idempotency_key_fulfil(claim=claim, return_request=return_request)
    if photos:
        for return_line in ReturnLine.objects.filter(return_request=return_request).order_by("id"):
            for image in photos.get(return_line.order_line_id, ()):
                return_line_photo_add(return_line=return_line, image=image)
    else:
        _written_lines_keep(return_request=return_request, lines=return_lines)
    moves_record(created=return_request, first=created, planned=planned)
    if submit and photos:
        _submit_apply(return_request=return_request, actor=actor, policy=policy)
    if not photos and return_request.status in _CREATION_OUTCOMES:
        _new_return_relations_keep(return_request=return_request)
    return return_request, False


def _written_lines_keep(*, return_request: ReturnRequest, lines: list[ReturnLine]) -> None:
    """Keep the lines just written (with no photos) on the new return, as if prefetched: its messages and the
    API's answer read them from here (its events too: moves_record keeps them)."""
    for line in lines:
        prefetched_set(instance=line, name="photos", rows=[])
    prefetched_set(instance=return_request, name="lines", rows=lines)


# Where a creation leaves a return when no reaction moved it on through another instance (a returnless refund does).
_CREATION_OUTCOMES = frozenset({ReturnStatus.DRAFT, ReturnStatus.APPROVED, ReturnStatus.NEEDS_REVIEW})


def _new_return_relations_keep(*, return_request: ReturnRequest) -> None:
    """A return created in this transaction has no row of another app attached (label, refund, arrival…) but
    those a reaction attached to this very instance (a label at approval): say so, so that reading one is no query."""
    for relation in ReturnRequest._meta.related_objects:
        if relation.one_to_one and not relation.is_cached(return_request):
            relation.set_cached_value(return_request, None)


@transaction.atomic
def return_request_submit(*, return_request: ReturnRequest, actor: Actor = None) -> ReturnRequest:
    """Submit a draft: approve it at once, or send it to review, by the policy.

    Refused (`photo_required`) while a line's reason asks for a photo and the line has none.
    """
    if return_request.status == ReturnStatus.DRAFT:
        photos_required_check(return_request=return_request)
    return_request_transition(
        return_request=return_request,
        to=ReturnStatus.SUBMITTED,
        actor=actor,
        actor_label=actor_label_for(actor, "customer"),
    )
    to, note = _policy_decision(return_request=return_request, policy=return_policy.policy_get_default())
    return return_request_transition(return_request=return_request, to=to, note=note, actor_label="policy")


def _policy_verdict(*, return_request: ReturnRequest, policy: ReturnPolicy) -> tuple[str, str, str]:
    """Where the policy sends a submitted return: the status, the event's note, and why it is to be reviewed ("")."""
    review_reason = return_policy.review_reason_for(policy=policy, return_request=return_request)
    if review_reason:
        return ReturnStatus.NEEDS_REVIEW, review_reason, review_reason[:200]
    if return_request.returnless:
        note = _("Approved by the policy; the customer keeps the items (refund without return).")
        return ReturnStatus.APPROVED, note, ""
    return ReturnStatus.APPROVED, _("Approved by the policy."), ""


def _policy_decision(*, return_request: ReturnRequest, policy: ReturnPolicy) -> tuple[str, str]:
    """The policy's verdict on a submitted return, the reason for a review kept on the return."""
    to, note, review_reason = _policy_verdict(return_request=return_request, policy=policy)
    if review_reason:
        return_request.review_reason = review_reason
        return_request.save(update_fields=["review_reason", "updated_at"])
    return to, note


def _submit_apply(*, return_request: ReturnRequest, actor: Actor, policy: ReturnPolicy) -> None:
    """Submit a draft this transaction has just created (and so holds locked), then let `policy` decide: the same
    moves as `return_request_submit`, without locking the row again or a savepoint per move."""
    transition_apply(
        locked=return_request, to=ReturnStatus.SUBMITTED, actor=actor, actor_label=actor_label_for(actor, "customer")
    )
    to, note = _policy_decision(return_request=return_request, policy=policy)
    transition_apply(locked=return_request, to=to, note=note, actor_label="policy")


def _submission_moves(return_request: ReturnRequest, actor: Actor, policy: ReturnPolicy) -> list[Move]:
    """The moves of a return submitted as it is created: submitted by its creator, then the policy's decision
    (a review's reason set on the return, which is not inserted yet)."""
    to, note, review_reason = _policy_verdict(return_request=return_request, policy=policy)
    return_request.review_reason = review_reason
    submitted = Move(to=ReturnStatus.SUBMITTED, actor=actor, actor_label=actor_label_for(actor, "customer"))
    return [submitted, Move(to=to, actor_label="policy", note=note)]


def return_request_approve(
    *, return_request: ReturnRequest, actor: Actor, reason: str = "", note: str = ""
) -> ReturnRequest:
    """An agent approves a return that was under review; `reason` is told to the customer, `note` is internal."""
    return return_request_transition(
        return_request=return_request, to=ReturnStatus.APPROVED, actor=actor, note=note, reason=reason.strip()
    )


def return_request_reject(
    *, return_request: ReturnRequest, actor: Actor, reason: str = "", note: str = ""
) -> ReturnRequest:
    """An agent rejects a return; the customer is told why, so a reason is required.

    A caller that gives only a `note` (as before reasons had their own field) means it as the reason.
    """
    if not reason.strip():
        reason, note = note, ""
    if not reason.strip():
        raise DomainError(_("Say why the return is rejected."), code="reason_required")
    return return_request_transition(
        return_request=return_request, to=ReturnStatus.REJECTED, actor=actor, note=note, reason=reason.strip()
    )


def return_request_cancel(
    *,
    return_request: ReturnRequest,
    actor: Actor = None,
    note: str = "",
    actor_label: str = "",
    customer_told: bool = False,
) -> ReturnRequest:
    """Cancel a return that has not left yet; its units become returnable again."""
    return return_request_transition(
        return_request=return_request,
        to=ReturnStatus.CANCELLED,
        actor=actor,
        note=note,
        actor_label=actor_label,
        customer_told=customer_told,
    )


def return_requests_expire(*, now=None) -> int:
    """Expire approved returns whose send-by date has passed; returns how many."""
    now = now or timezone.now()
    count = 0
    overdue = ReturnRequest.objects.filter(
        status__in=(ReturnStatus.APPROVED, ReturnStatus.LABEL_READY), send_by__lt=now, returnless=False
    ).values_list("pk", flat=True)
    for pk in overdue:
        return_request = ReturnRequest.objects.get(pk=pk)
        try:
            return_request_transition(
                return_request=return_request,
                to=ReturnStatus.EXPIRED,
                note=_("Not sent before the deadline."),
                actor_label="system",
            )
        except InvalidTransition:
            continue  # it moved on meanwhile
        count += 1
    return count
