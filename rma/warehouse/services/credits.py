"""Store credit: issued once per return at the moment the policy says, then spent at the shop.

When (``ReturnPolicy.store_credit_moment``), for a return whose resolution is store credit:

- **handover**: as soon as the return reaches ``in_transit`` (a shop's counter check, a carrier's scan, a shop's
  shipment dispatched…), for the return's refund estimate plus the policy's bonus: the customer can spend it while
  the parcel travels.
- **inspection**: when the warehouse releases the refund, in place of a payment, for the inspected amount plus the
  bonus.

The refund released later for a return whose credit was issued at handover pays nothing again: its method is store
credit and its breakdown records the credit that covered it (``breakdown["store_credit"]``). When the inspection
values the return less than the estimate (a unit missing, a graded deduction), the credit stays as issued and the
breakdown records the difference (``difference`` = what the credit covers − the inspected amount): the price of
letting the customer spend early. Nothing acceptable received at all closes the return without a refund; the credit
stays as issued too, and the close's note says so.

Exactly once, whatever the retries and races: the return row is locked, the database holds one credit per return,
and its email and webhook have dedupe keys. Redemptions lock the credit row, never take the balance below zero, and
are idempotent on the shop's reference.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict, DomainError
from rma.core.formatting import money
from rma.notifications.choices import Channel
from rma.notifications.models import OutboxMessage
from rma.notifications.outbox import outbox_enqueue, outbox_enqueue_many
from rma.returns.choices import Resolution, ReturnStatus, StoreCreditMoment
from rma.returns.message_content import return_tracking_url
from rma.returns.messages import PlannedMessage
from rma.returns.models import ReturnPolicy, ReturnRequest
from rma.returns.policy import policy_get_default, store_credit_offer
from rma.returns.reactions import StatusChange
from rma.warehouse.choices import StoreCreditStatus
from rma.warehouse.models import StoreCredit, StoreCreditRedemption
from rma.warehouse.models.credits import store_credit_code_new
from rma.warehouse.services.common import (
    Actor,
    actor_or_none,
    return_request_lock,
    return_webhook_summary,
    shop_destination,
)

CODE_ATTEMPTS = 5
CUSTOMER_EMAIL_TOPIC = "store_credit_issued"
WEBHOOK_TOPIC = "store_credit.issued"


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def store_credit_webhook_key(*, store_credit: StoreCredit) -> str:
    """The dedupe (and idempotency) key of the shop's ``store_credit.issued`` webhook."""
    return f"store_credit:{store_credit.public_id}"


def _messages_planned(*, store_credit: StoreCredit, return_request: ReturnRequest) -> list[PlannedMessage]:
    """The shop's signed webhook and the customer's email with the code (`return_request`'s order loaded)."""
    expires_at = store_credit.expires_at.isoformat() if store_credit.expires_at else None
    key = store_credit_webhook_key(store_credit=store_credit)
    locale = return_request.locale or settings.LANGUAGE_CODE
    planned = [
        PlannedMessage(
            channel=Channel.WEBHOOK,
            topic=WEBHOOK_TOPIC,
            destination=shop_destination(),
            payload={
                "idempotency_key": key,
                "return": return_webhook_summary(return_request),
                "store_credit": {
                    "public_id": str(store_credit.public_id),
                    "code": store_credit.code,
                    "amount": _money(store_credit.amount),
                    "bonus_percent": _money(store_credit.bonus_percent),
                    "bonus_amount": _money(store_credit.bonus_amount),
                    "balance": _money(store_credit.balance),
                    "currency": store_credit.currency,
                    "expires_at": expires_at,
                    "issued_at": store_credit.created_at.isoformat(),
                    "moment": store_credit.moment,
                },
            },
            dedupe_key=key,
            locale=locale,
        )
    ]
    if not return_request.contact_email:
        return planned
    planned.append(
        PlannedMessage(
            channel=Channel.EMAIL,
            topic=CUSTOMER_EMAIL_TOPIC,
            destination=return_request.contact_email,
            payload={
                "event": WEBHOOK_TOPIC,
                "rma_number": return_request.rma_number,
                "public_id": str(return_request.public_id),
                "customer_name": return_request.contact_name,
                "tracking_url": return_tracking_url(return_request=return_request),
                "code": store_credit.code,
                "amount": _money(store_credit.amount),
                "bonus_percent": _money(store_credit.bonus_percent),
                "bonus_amount": _money(store_credit.bonus_amount),
                "currency": store_credit.currency,
                "expires_at": expires_at,
                "moment": store_credit.moment,
                "returnless": return_request.returnless,
            },
            dedupe_key=f"{key}:customer-email",
            locale=locale,
        )
    )
    return planned


def _messages_write(*, store_credit: StoreCredit, return_request: ReturnRequest) -> None:
    """The credit's webhook and email (in the issuing transaction)."""
    for message in _messages_planned(store_credit=store_credit, return_request=return_request):
        outbox_enqueue(**asdict(message))


@dataclass(frozen=True)
class _Issue:
    """A store credit to issue: for which return (locked by the caller), on what base, by whom."""

    return_request: ReturnRequest
    base: Decimal
    actor: Actor = None


def _credits_new(*, policy: ReturnPolicy, issues: Sequence[_Issue], moment: str) -> list[StoreCredit]:
    """The credits (unsaved, without their codes) of `issues` under `policy`; none for nothing (an offer of zero or
    less)."""
    now = timezone.now()
    days = policy.store_credit_validity_days
    credits = []
    for issue in issues:
        offer = store_credit_offer(policy=policy, base=issue.base)
        if offer.amount <= 0:
            continue
        credits.append(
            StoreCredit(
                return_request=issue.return_request,
                amount=offer.amount,
                bonus_percent=offer.bonus_percent,
                bonus_amount=offer.bonus,
                currency=issue.return_request.currency,
                balance=offer.amount,
                moment=moment,
                expires_at=now + timedelta(days=days) if days else None,
                issued_by=actor_or_none(issue.actor),
            )
        )
    return credits


def _credits_insert(credits: list[StoreCredit]) -> list[StoreCredit] | None:
    """Insert `credits` in one statement, each with a code drawn now; None when one of their returns has its credit
    already (only without the return's lock)."""
    for _attempt in range(CODE_ATTEMPTS):
        for credit in credits:
            credit.code = store_credit_code_new()
        try:
            with transaction.atomic():
                return StoreCredit.objects.bulk_create(credits)
        except IntegrityError:
            # The returns are locked, so this is a code already taken (about 1 in 2**77): draw again.
            if StoreCredit.objects.filter(  # pragma: no cover - the lock prevents it
                return_request__in=[credit.return_request_id for credit in credits]
            ).exists():
                return None
    # Five collisions in a row do not happen.
    raise Conflict(  # pragma: no cover
        _("No unused store credit code could be drawn."), code="store_credit_code_exhausted"
    )


@transaction.atomic
def store_credit_issue(
    *, return_request: ReturnRequest, base: Decimal, moment: str, actor: Actor = None
) -> StoreCredit | None:
    """Issue the return's store credit for `base` plus the policy's bonus, with its email and webhook; once.

    The credit already issued is returned as it is (whatever `base` says now); nothing is issued for nothing
    (`base` zero or less: None).
    """
    locked = return_request_lock(pk=return_request.pk)
    existing = StoreCredit.objects.filter(return_request=locked).first()
    if existing is not None:
        return existing
    credits = _credits_new(
        policy=policy_get_default(), issues=[_Issue(return_request=locked, base=base, actor=actor)], moment=moment
    )
    if not credits:
        return None
    inserted = _credits_insert(credits)
    if inserted is None:  # pragma: no cover - the lock prevents it
        return StoreCredit.objects.get(return_request=locked)
    (credit,) = inserted
    locked = ReturnRequest.objects.select_related("order").get(pk=locked.pk)
    _messages_write(store_credit=credit, return_request=locked)
    return credit


def _issued_at_handover(change: StatusChange) -> bool:
    """Whether the move hands over a store-credit return (what the policy's "handover" moment waits for)."""
    return change.to_status == ReturnStatus.IN_TRANSIT and change.return_request.resolution == Resolution.STORE_CREDIT


def store_credit_issue_on_handover(change: StatusChange) -> None:
    """A reaction (WarehouseConfig.ready): a store-credit return handed over gets its credit now if the policy
    says "when the parcel is handed over"."""
    if not _issued_at_handover(change) or policy_get_default().store_credit_moment != StoreCreditMoment.HANDOVER:
        return
    return_request = change.return_request
    store_credit_issue(
        return_request=return_request,
        base=return_request.refund_estimate,
        moment=StoreCreditMoment.HANDOVER,
        actor=change.actor,
    )


def store_credits_issue_on_handover(changes: Sequence[StatusChange]) -> None:
    """`store_credit_issue_on_handover` for several returns' moves at once (rma.returns.reactions `run_many`), their
    returns locked by the move: the credits already issued read in one statement, the new ones inserted in one,
    their webhooks and emails in one."""
    handed = [change for change in changes if _issued_at_handover(change)]
    if not handed:
        return
    policy = policy_get_default()
    if policy.store_credit_moment != StoreCreditMoment.HANDOVER:
        return
    issued = set(
        StoreCredit.objects.filter(return_request__in=[change.return_request for change in handed]).values_list(
            "return_request_id", flat=True
        )
    )
    issues = [
        _Issue(return_request=change.return_request, base=change.return_request.refund_estimate, actor=change.actor)
        for change in handed
        if change.return_request.pk not in issued
    ]
    credits = _credits_new(policy=policy, issues=issues, moment=StoreCreditMoment.HANDOVER)
    if not credits or _credits_insert(credits) is None:
        return
    return_requests = [credit.return_request for credit in credits]
    prefetch_related_objects(return_requests, "order")  # only those the caller did not read with their order
    outbox_enqueue_many(
        messages=[
            OutboxMessage(**asdict(message))
            for credit in credits
            for message in _messages_planned(store_credit=credit, return_request=credit.return_request)
        ]
    )


def store_credit_settle(
    *, return_request: ReturnRequest, refund_amount: Decimal, actor: Actor = None
) -> dict[str, Any] | None:
    """At the refund's release (the return locked): the credit that settles it, issued now for `refund_amount`
    if it was not at handover, as the refund's breakdown records it; None when no credit settles this return."""
    credit = StoreCredit.objects.filter(return_request=return_request).first()
    if credit is None:
        if return_request.resolution != Resolution.STORE_CREDIT:
            return None
        moment = StoreCreditMoment.APPROVAL if return_request.returnless else StoreCreditMoment.INSPECTION
        credit = store_credit_issue(return_request=return_request, base=refund_amount, moment=moment, actor=actor)
        if credit is None:
            return None
    covers = credit.amount - credit.bonus_amount
    return {
        "public_id": str(credit.public_id),
        "moment": credit.moment,
        "issued_at": credit.created_at.isoformat(),
        "amount": _money(credit.amount),
        "bonus_amount": _money(credit.bonus_amount),
        "covers": _money(covers),
        "inspected_amount": _money(refund_amount),
        "difference": _money(covers - refund_amount),
    }


def store_credit_kept_note(*, return_request: ReturnRequest) -> str:
    """What a close without refund says of a credit already issued at handover ("" when there is none)."""
    credit = StoreCredit.objects.filter(return_request=return_request).first()
    if credit is None:
        return ""
    return _("The store credit issued at handover (%(amount)s) stays as issued.") % {
        "amount": money(credit.amount, credit.currency)
    }


@dataclass(frozen=True)
class RedemptionResult:
    redemption: StoreCreditRedemption
    created: bool  # False: the same reference was recorded before, and is given back


def _refuse_unless_spendable(credit: StoreCredit, amount: Decimal) -> None:
    status = credit.current_status()
    if status == StoreCreditStatus.CANCELLED:
        raise Conflict(_("This store credit was cancelled."), code="store_credit_cancelled")
    if status == StoreCreditStatus.EXPIRED:
        raise Conflict(
            _("This store credit expired on %(date)s.")
            % {"date": date_format(timezone.localtime(credit.expires_at), "DATE_FORMAT")}
            if credit.expires_at
            else _("This store credit has expired."),
            code="store_credit_expired",
            extra={"expires_at": credit.expires_at.isoformat() if credit.expires_at else None},
        )
    if amount > credit.balance:
        raise Conflict(
            _("The store credit's balance (%(balance)s) is less than %(amount)s.")
            % {"balance": money(credit.balance, credit.currency), "amount": money(amount, credit.currency)},
            code="store_credit_insufficient_balance",
            extra={"balance": _money(credit.balance), "currency": credit.currency},
        )


@transaction.atomic
def store_credit_redeem(
    *, store_credit: StoreCredit, amount: Decimal, reference: str, actor: Actor = None
) -> RedemptionResult:
    """Spend `amount` of a credit for the shop's `reference` (its order or payment): the balance goes down, never
    below zero. The same reference again gives back the first redemption, unchanged; with another amount, a
    Conflict. Concurrent calls queue on the credit's row lock.
    """
    reference = reference.strip()
    if not reference:
        raise DomainError(_("A reference is required."), code="reference_required")
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), code="invalid_amount")
    credit = StoreCredit.objects.select_for_update(of=("self",)).get(pk=store_credit.pk)
    previous = StoreCreditRedemption.objects.filter(store_credit=credit, reference=reference).first()
    if previous is not None:
        if previous.amount != amount:
            raise Conflict(
                _("Reference %(reference)s was already used for %(amount)s.")
                % {"reference": reference, "amount": money(previous.amount, credit.currency)},
                code="store_credit_reference_reused",
                extra={"amount": _money(previous.amount)},
            )
        return RedemptionResult(previous, created=False)
    _refuse_unless_spendable(credit, amount)
    credit.balance -= amount
    if credit.balance == 0:
        credit.status = StoreCreditStatus.SPENT
    credit.save(update_fields=["balance", "status", "updated_at"])
    redemption = StoreCreditRedemption.objects.create(
        store_credit=credit,
        amount=amount,
        reference=reference,
        balance_after=credit.balance,
        redeemed_by=actor_or_none(actor),
    )
    _sync(store_credit, credit)
    return RedemptionResult(redemption, created=True)


@transaction.atomic
def store_credit_cancel(*, store_credit: StoreCredit) -> StoreCredit:
    """Cancel a credit that is not spent (a fraud, a mistake): nothing more can be redeemed from it."""
    credit = StoreCredit.objects.select_for_update(of=("self",)).get(pk=store_credit.pk)
    if credit.status == StoreCreditStatus.CANCELLED:
        return credit
    if credit.status == StoreCreditStatus.SPENT:
        raise Conflict(_("This store credit is spent: there is nothing to cancel."), code="store_credit_spent")
    credit.status = StoreCreditStatus.CANCELLED
    credit.cancelled_at = timezone.now()
    credit.save(update_fields=["status", "cancelled_at", "updated_at"])
    _sync(store_credit, credit)
    return credit


def _sync(target: StoreCredit, source: StoreCredit) -> None:
    for name in ("balance", "status", "cancelled_at", "updated_at"):
        setattr(target, name, getattr(source, name))
