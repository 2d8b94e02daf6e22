"""The shop counter: find the customer's return, check each line, accept or refuse it; or start a return.

Status moves go through rma.returns.services (the one door): an accepted return becomes in_transit ("handed in
at <shop>"); a return whose every line is refused is cancelled with the reasons. Each line's check is a
CounterCheck row (one per line), which the receiving warehouse reads. The customer gets an email (outbox topic
``store_counter_receipt``) in the same transaction.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict, DomainError, InvalidTransition, NotEligible
from rma.core.images import CheckedImage
from rma.locations.choices import DropOffMethod
from rma.locations.models import Store
from rma.notifications.choices import Channel
from rma.notifications.outbox import outbox_enqueue
from rma.orders.models import Order
from rma.returns.choices import CreationChannel, Resolution, ReturnStatus
from rma.returns.drop_offs import DropOffChoice
from rma.returns.lock_objects import return_request_qs_select_for_update
from rma.returns.models import ReturnLine, ReturnRequest
from rma.returns.services import (
    ReturnLineInput,
    return_request_cancel,
    return_request_create,
    return_request_transition,
)
from rma.shipping.choices import CounterCondition
from rma.shipping.models import CounterCheck
from rma.shipping.selectors import return_request_find_by_code

Actor = User | None

# A return can be handed in once it is approved (with or without its label made).
ACCEPTABLE_STATUSES = frozenset({ReturnStatus.APPROVED, ReturnStatus.LABEL_READY})
NOT_YET_STATUSES = frozenset({ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.NEEDS_REVIEW})
COUNTER_EMAIL_TOPIC = "store_counter_receipt"


def return_request_in_store_scope(*, return_request: ReturnRequest, stores: Sequence[Store]) -> bool:
    """A shop handles its own returns, and returns not tied to any shop (a relay-point QR shown at its counter)."""
    return return_request.store_id is None or any(store.pk == return_request.store_id for store in stores)


def counter_return_find(*, code: str, stores: Sequence[Store]) -> ReturnRequest:
    """The return for a code scanned at the counter of one of `stores`; a clear refusal otherwise."""
    return_request = return_request_find_by_code(code=code)
    if return_request is None:
        raise DomainError(
            _("No return matches the code “%(code)s”.") % {"code": code.strip()[:40]}, code="unknown_code"
        )
    if not return_request_in_store_scope(return_request=return_request, stores=stores):
        raise DomainError(_("This return is handled by another shop."), code="other_store")
    return return_request


@dataclass(frozen=True)
class CounterLineCheck:
    """What staff saw of one line: its condition, and accepted or refused (with a reason)."""

    return_line_id: int
    condition: str
    accepted: bool
    refusal_reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class CounterOutcome:
    return_request: ReturnRequest
    checks: list[CounterCheck]
    accepted_units: int
    refused_units: int

    @property
    def all_refused(self) -> bool:
        return self.accepted_units == 0


def _refuse_status(return_request: ReturnRequest) -> None:
    status = return_request.status
    if status in ACCEPTABLE_STATUSES:
        if return_request.returnless:
            raise NotEligible(
                _("The customer keeps these items (refund without return): nothing to hand in."), code="returnless"
            )
        return
    if status in NOT_YET_STATUSES:
        raise NotEligible(
            _("Return %(rma)s is not approved yet (%(status)s): it cannot be handed in.")
            % {"rma": return_request.rma_number, "status": ReturnStatus(status).label},
            code="not_approved",
        )
    if status == ReturnStatus.IN_TRANSIT or status in {
        ReturnStatus.RECEIVED,
        ReturnStatus.INSPECTED,
        ReturnStatus.REFUNDED,
        ReturnStatus.EXCHANGED,
        ReturnStatus.CLOSED,
    }:
        raise Conflict(
            _("Return %(rma)s was already handed in (%(status)s).")
            % {"rma": return_request.rma_number, "status": ReturnStatus(status).label},
            code="already_handed_in",
        )
    raise InvalidTransition(
        _("Return %(rma)s is %(status)s: it cannot be handed in.")
        % {"rma": return_request.rma_number, "status": ReturnStatus(status).label},
        code="not_acceptable",
    )


def counter_return_check_allowed(*, return_request: ReturnRequest) -> None:
    """Raise the refusal the counter would give for this return now (nothing written)."""
    _refuse_status(return_request)


def _line_summary(line: ReturnLine, check: CounterCheck) -> dict:
    return {
        "sku": line.order_line.sku,
        "name": line.order_line.name,
        "quantity": line.quantity,
        "condition": check.condition,
        "condition_label": str(CounterCondition(check.condition).label),
        "accepted": check.accepted,
        "refusal_reason": check.refusal_reason,
    }


@transaction.atomic
def counter_return_check(
    *,
    return_request: ReturnRequest,
    store: Store,
    actor: Actor,
    checks: Sequence[CounterLineCheck],
) -> CounterOutcome:
    """Record the counter check of every line of a return, then move it on.

    Some line accepted: the return becomes in_transit ("handed in at <shop>"), refused lines are noted.
    Every line refused: the return is cancelled with the reasons. Either way the customer gets an email.
    """
    locked = return_request_qs_select_for_update().get(pk=return_request.pk)
    if locked.store_id is not None and locked.store_id != store.pk:
        raise DomainError(_("This return is handled by another shop."), code="other_store")
    _refuse_status(locked)
    lines = {line.pk: line for line in ReturnLine.objects.filter(return_request=locked).select_related("order_line")}
    given = [check.return_line_id for check in checks]
    if len(set(given)) != len(given) or set(given) != set(lines):
        raise DomainError(_("Check every line of the return, once each."), code="lines_mismatch")
    for check in checks:
        if check.condition not in CounterCondition.values:
            raise DomainError(_("Record the condition of every item."), code="invalid_condition")
        if not check.accepted and not check.refusal_reason.strip():
            raise DomainError(_("Say why an item is refused."), code="refusal_reason_required")
    if CounterCheck.objects.filter(return_line__return_request=locked).exists():
        raise Conflict(_("This return was already checked at a counter."), code="already_checked")
    try:
        with transaction.atomic():
            rows = CounterCheck.objects.bulk_create(
                CounterCheck(
                    return_line=lines[check.return_line_id],
                    store=store,
                    condition=check.condition,
                    accepted=check.accepted,
                    refusal_reason="" if check.accepted else check.refusal_reason.strip()[:300],
                    note=check.note.strip()[:300],
                    checked_by=actor if actor is not None and actor.is_authenticated else None,
                )
                for check in sorted(checks, key=lambda c: c.return_line_id)
            )
    except IntegrityError as exc:  # another counter won the race
        raise Conflict(_("This return was already checked at a counter."), code="already_checked") from exc

    if locked.store_id is None:
        # A return prepared for another drop-off (relay point, locker…) handed in here: this shop now ships it.
        ReturnRequest.objects.filter(pk=locked.pk).update(store=store)
        locked.store = store
        return_request.store = store
    accepted_units = sum(lines[c.return_line_id].quantity for c in checks if c.accepted)
    refused_units = sum(lines[c.return_line_id].quantity for c in checks if not c.accepted)
    refused_notes = "; ".join(
        f"{lines[c.return_line_id].order_line.sku}: {c.refusal_reason.strip()}" for c in checks if not c.accepted
    )
    if accepted_units:
        note = _("Handed in at %(shop)s.") % {"shop": store.name}
        if refused_notes:
            note += " " + _("Refused at the counter: %(lines)s") % {"lines": refused_notes}
        return_request_transition(
            return_request=locked, to=ReturnStatus.IN_TRANSIT, actor=actor, note=note, customer_told=True
        )
    else:
        return_request_cancel(
            return_request=locked,
            actor=actor,
            note=_("Refused at the counter of %(shop)s: %(lines)s") % {"shop": store.name, "lines": refused_notes},
            customer_told=True,  # the counter's receipt below tells the customer
        )
    checks_by_line = {row.return_line_id: row for row in rows}
    outbox_enqueue(
        channel=Channel.EMAIL,
        topic=COUNTER_EMAIL_TOPIC,
        destination=locked.contact_email,
        payload={
            "event": "return.counter_checked",
            "rma_number": locked.rma_number,
            "public_id": str(locked.public_id),
            "order_number": locked.order.number,
            "customer_name": locked.contact_name,
            "status": locked.status,
            "shop": {"code": store.code, "name": store.name, "address_lines": store.address_lines},
            "accepted_units": accepted_units,
            "refused_units": refused_units,
            "lines": [_line_summary(lines[pk], checks_by_line[pk]) for pk in sorted(lines)],
            "tracking_url": _tracking_url(locked),
        },
        dedupe_key=f"return:{locked.public_id}:counter:customer-email",
        locale=locked.locale or "fr",
    )
    for name in ("status", "updated_at"):
        setattr(return_request, name, getattr(locked, name))
    return CounterOutcome(
        return_request=return_request,
        checks=[checks_by_line[pk] for pk in sorted(lines)],
        accepted_units=accepted_units,
        refused_units=refused_units,
    )


def _tracking_url(return_request: ReturnRequest) -> str:
    from django.conf import settings

    return f"{settings.RMA_PUBLIC_BASE_URL.rstrip('/')}/r/{return_request.public_id}/"


def counter_return_start(
    *,
    order: Order,
    store: Store,
    actor: Actor,
    lines: Sequence[ReturnLineInput],
    resolution: str = Resolution.REFUND,
    contact_email: str = "",
    locale: str = "fr",
    photos: Mapping[int, Sequence[CheckedImage]] | None = None,
) -> ReturnRequest:
    """Start a return for a customer at the counter: same policy and reasons as the portal, dropped off here.

    `photos` (checked pictures by order line pk) are required for the lines whose reason asks for one.
    """
    point = getattr(store, "drop_off_point", None)
    if point is None:
        raise DomainError(
            _("This shop is not set up as a drop-off point: ask an administrator."), code="store_not_drop_off"
        )
    return return_request_create(
        order=order,
        lines=lines,
        drop_off=DropOffChoice(method=DropOffMethod.STORE, point=point),
        resolution=resolution,
        contact_email=contact_email,
        locale=locale,
        channel=CreationChannel.STORE,
        actor=actor,
        store=store,
        submit=True,
        photos=photos,
    )
