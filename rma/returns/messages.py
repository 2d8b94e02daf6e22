"""Which outbox messages each return transition produces, written in the transaction of the transition.

The customer (email, in the return's locale) is told at each step that matters to them:

- needs_review: ``return_under_review`` ("we are looking at your request");
- approved: ``return_approved`` ("we have your return, next steps"), with the agent's reason if one was given;
- rejected: ``return_rejected``, with the agent's reason (the event's ``reason``; internal notes are never sent);
- label_ready: ``label_ready``, with the label and tracking page links;
- in_transit: ``parcel_in_transit`` ("your parcel is on its way" / "it has left the shop"), except after a
  shop-counter hand-in (see ``customer_told``);
- received: ``parcel_received``;
- refunded: ``refund_released``; for a store-credit return, the credit it was settled with (its code); none when
  that credit was issued by the release itself (the credit's own email, ``store_credit_issued``, says it all);
- exchanged: ``exchange_shipped``, with the exchange SKUs (``ReturnLine.exchange_sku``);
- closed, only from inspected (nothing acceptable came back, no refund): ``return_closed``; a close after a
  refund or an exchange says nothing new;
- cancelled: ``return_cancelled`` (the items can be returned again while the window is open), except for a
  draft (nobody was told of it) and after a shop-counter refusal (see ``customer_told``);
- expired: ``return_expired`` (not sent in time).

The destination warehouse gets an advance notice on approved and in_transit (webhook ``return.<status>`` and/or
email ``warehouse_advance_notice``). A returnless refund (the customer keeps the items) sends nothing to the
warehouse. The warehouse gets a webhook when it has ``notify_webhook_url`` (signed with
``notify_webhook_secret``) and an email when it has ``notify_email``. Each message has a dedupe key
``return:<public_id>:<status>:<recipient>-<channel>``, so a transition replayed or retried never writes a second
message.

Registered as a reaction (rma.returns.reactions) by ``ReturnsConfig.ready()``.
"""

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from rma.locations.models import Warehouse
from rma.notifications.choices import Channel
from rma.notifications.destinations import outbox_secret_ref
from rma.notifications.models import OutboxMessage
from rma.notifications.outbox import outbox_enqueue, outbox_enqueue_many
from rma.notifications.services import outbox_messages_withdraw
from rma.returns.choices import ReturnStatus, StoreCreditMoment
from rma.returns.message_content import (
    payload_common,
    payload_exchange_lines,
    payload_lines,
    payload_money,
    payload_refund,
    payload_tracking_number,
    return_label_url,
    return_tracking_url,
)
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.returns.reactions import StatusChange, facts

logger = logging.getLogger(__name__)

CUSTOMER_EMAIL_TOPICS: dict[str, str] = {
    ReturnStatus.NEEDS_REVIEW: "return_under_review",
    ReturnStatus.APPROVED: "return_approved",
    ReturnStatus.REJECTED: "return_rejected",
    ReturnStatus.LABEL_READY: "label_ready",
    ReturnStatus.IN_TRANSIT: "parcel_in_transit",
    ReturnStatus.RECEIVED: "parcel_received",
    ReturnStatus.REFUNDED: "refund_released",
    ReturnStatus.EXCHANGED: "exchange_shipped",
    ReturnStatus.CLOSED: "return_closed",
    ReturnStatus.CANCELLED: "return_cancelled",
    ReturnStatus.EXPIRED: "return_expired",
}
# The customer hears of a close only when it ends the return without refund or exchange.
CLOSED_NOTICE_FROM = frozenset({ReturnStatus.INSPECTED})
# Customer emails a later move makes stale if they have not gone out yet (see _superseded_customer_emails_withdraw).
SUPERSEDED_CUSTOMER_EMAILS: dict[str, tuple[str, ...]] = {ReturnStatus.RECEIVED: (ReturnStatus.IN_TRANSIT,)}
WAREHOUSE_NOTICE_STATUSES = frozenset({ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT})
WAREHOUSE_EMAIL_TOPIC = "warehouse_advance_notice"


@dataclass(frozen=True)
class PlannedMessage:
    """One outbox message a transition calls for (its fields are outbox_enqueue's arguments and OutboxMessage's)."""

    channel: str
    topic: str
    destination: str
    payload: dict[str, Any]
    dedupe_key: str
    locale: str
    secret_ref: str = ""


def customer_email_dedupe_key(*, return_request: ReturnRequest, status: str) -> str:
    """The dedupe key of the customer's email about the return's move to `status`."""
    return f"return:{return_request.public_id}:{status}:customer-email"


def _transition_event(return_request: ReturnRequest, to_status: str) -> ReturnEvent | None:
    """The event of the return's latest move to `to_status` (written just before the reactions run)."""
    return ReturnEvent.objects.filter(return_request=return_request, to_status=to_status).order_by("-id").first()


def _customer_email_wanted(
    return_request: ReturnRequest, from_status: str, to_status: str, *, customer_told: bool
) -> bool:
    """Whether the customer gets our email about this move.

    ``customer_told``: the cause of the move already told the customer. The shop counter writes its own email,
    ``store_counter_receipt``, when it accepts a return (which becomes in_transit: "handed in at <shop>") and when
    it refuses every line (which cancels it), and says so to the transition: our in_transit and cancelled
    emails would say the same thing a second time. What counts is what happened at a counter, not the planned
    drop-off method: a relay-point or locker return can be handed in at a counter too (and gets the receipt),
    while a shop drop-off moved on by a shipment without a counter check gets no receipt and must get our email.
    """
    if customer_told or to_status not in CUSTOMER_EMAIL_TOPICS or not return_request.contact_email:
        return False
    if to_status == ReturnStatus.CLOSED:
        return from_status in CLOSED_NOTICE_FROM
    if to_status == ReturnStatus.REFUNDED:
        credit = facts.store_credit(return_request)
        # Issued by this very release: its own email (with the code) is the one the customer needs.
        return credit is None or credit.moment not in (StoreCreditMoment.INSPECTION, StoreCreditMoment.APPROVAL)
    # A draft was never submitted: the customer was never told of it.
    return not (to_status == ReturnStatus.CANCELLED and from_status == ReturnStatus.DRAFT)


def _customer_message(
    return_request: ReturnRequest,
    from_status: str,
    to_status: str,
    lines: list[dict[str, Any]],
    event: ReturnEvent | None,
) -> PlannedMessage:
    topic = CUSTOMER_EMAIL_TOPICS[to_status]
    payload = {
        **payload_common(return_request, to_status, lines),
        "customer_name": return_request.contact_name,
        "tracking_url": return_tracking_url(return_request=return_request),
        "resolution": return_request.resolution,
        "returnless": return_request.returnless,
        "send_by": return_request.send_by.isoformat() if return_request.send_by else None,
        "currency": return_request.currency,
        "fee_amount": payload_money(return_request.fee_amount),
        "refund_estimate": payload_money(return_request.refund_estimate),
    }
    if to_status == ReturnStatus.APPROVED:
        payload["approval_reason"] = event.customer_reason if event is not None else ""
    if to_status == ReturnStatus.LABEL_READY:
        payload["label_url"] = return_label_url(return_request=return_request)
        payload["tracking_number"] = payload_tracking_number(return_request)
    elif to_status == ReturnStatus.IN_TRANSIT:
        payload["tracking_number"] = payload_tracking_number(return_request)
    elif to_status == ReturnStatus.REFUNDED:
        refund = payload_refund(return_request)
        payload.update(
            refund_amount=refund["amount"], refund_currency=refund["currency"], refund_method=refund["method"]
        )
        credit = facts.store_credit(return_request)
        if credit is not None:
            payload["store_credit"] = {
                "code": credit.code,
                "amount": credit.amount,
                "currency": credit.currency,
                "issued_at": credit.issued_at,
            }
    elif to_status == ReturnStatus.EXCHANGED:
        payload["exchange_lines"] = payload_exchange_lines(return_request)
    elif to_status == ReturnStatus.REJECTED:
        # The reason is written for the customer (return_request_reject requires it); the event's note is not.
        payload["rejection_reason"] = event.customer_reason if event is not None else ""
    elif to_status in (ReturnStatus.CANCELLED, ReturnStatus.EXPIRED):
        payload["portal_url"] = f"{settings.RMA_PUBLIC_BASE_URL.rstrip('/')}/"
        # The label is voided with the return (rma.shipping.reactions): say so if the customer had it.
        payload["label_voided"] = from_status == ReturnStatus.LABEL_READY
    return PlannedMessage(
        channel=Channel.EMAIL,
        topic=topic,
        destination=return_request.contact_email,
        payload=payload,
        dedupe_key=customer_email_dedupe_key(return_request=return_request, status=to_status),
        locale=return_request.locale or settings.LANGUAGE_CODE,
    )


def _warehouse_messages(
    return_request: ReturnRequest, to_status: str, lines: list[dict[str, Any]], warehouse: Warehouse
) -> list[PlannedMessage]:
    payload = {**payload_common(return_request, to_status, lines), "warehouse": warehouse.code}
    tracking_number = payload_tracking_number(return_request)
    if tracking_number:
        payload["tracking_number"] = tracking_number
    if return_request.send_by:
        payload["send_by"] = return_request.send_by.isoformat()
    if to_status == ReturnStatus.IN_TRANSIT:
        days = settings.RMA_EXPECTED_TRANSIT_DAYS
        payload["expected_at"] = (timezone.localdate() + timedelta(days=days)).isoformat()
    prefix = f"return:{return_request.public_id}:{to_status}:warehouse"
    messages = []
    if warehouse.notify_webhook_url:
        messages.append(
            PlannedMessage(
                channel=Channel.WEBHOOK,
                topic=payload["event"],
                destination=warehouse.notify_webhook_url,
                payload=payload,
                dedupe_key=f"{prefix}-webhook",
                locale=settings.LANGUAGE_CODE,
                secret_ref=outbox_secret_ref(warehouse),
            )
        )
    if warehouse.notify_email:
        messages.append(
            PlannedMessage(
                channel=Channel.EMAIL,
                topic=WAREHOUSE_EMAIL_TOPIC,
                destination=warehouse.notify_email,
                payload={**payload, "warehouse_name": warehouse.name},
                dedupe_key=f"{prefix}-email",
                locale=settings.LANGUAGE_CODE,
            )
        )
    return messages


def return_messages_for(
    *,
    return_request: ReturnRequest,
    to_status: str,
    from_status: str | None = None,
    customer_told: bool = False,
    event: ReturnEvent | None = None,
) -> list[PlannedMessage]:
    """The messages a return's move to `to_status` calls for (nothing written).

    `from_status` defaults to the one of the return's latest event to `to_status`; `customer_told`: the cause of
    the move already told the customer (see _customer_email_wanted); `event`: the move's event, when the caller
    has it (else the latest one to `to_status` is read).
    """
    if event is None and (from_status is None or to_status in (ReturnStatus.APPROVED, ReturnStatus.REJECTED)):
        # A decision carries the reason the customer is told.
        event = _transition_event(return_request, to_status)
    if from_status is None:
        from_status = event.from_status if event is not None else ""
    wants_customer = _customer_email_wanted(return_request, from_status, to_status, customer_told=customer_told)
    warehouse = return_request.destination_warehouse
    wants_warehouse = (
        to_status in WAREHOUSE_NOTICE_STATUSES
        and not return_request.returnless
        and warehouse is not None
        and bool(warehouse.notify_webhook_url or warehouse.notify_email)
    )
    if not (wants_customer or wants_warehouse):
        return []
    lines = payload_lines(return_request)
    planned = []
    if wants_customer:
        planned.append(_customer_message(return_request, from_status, to_status, lines, event))
    if wants_warehouse and warehouse is not None:
        planned += _warehouse_messages(return_request, to_status, lines, warehouse)
    return planned


def _superseded_keys(*, return_request: ReturnRequest, to_status: str) -> list[str]:
    """The dedupe keys of the customer emails that a move to `to_status` makes stale."""
    stale = SUPERSEDED_CUSTOMER_EMAILS.get(to_status, ())
    return [customer_email_dedupe_key(return_request=return_request, status=status) for status in stale]


def _superseded_customer_emails_withdraw(*, return_request: ReturnRequest, to_status: str) -> int:
    """Drop the customer emails that this move makes stale before they went out; returns how many.

    A warehouse that receives a parcel nobody scanned in transit (rma.warehouse.services.receiving) moves the
    return to in_transit and then to received in one transaction: the customer would get "your parcel is on its
    way" and "we have received it" together, the first already wrong. The received email says all there is;
    the in_transit one is withdrawn unless it was delivered or a worker is sending it right now.
    """
    keys = _superseded_keys(return_request=return_request, to_status=to_status)
    if not keys:
        return 0
    withdrawn = outbox_messages_withdraw(dedupe_keys=keys)
    if withdrawn:
        logger.info("return %s: %s stale customer email(s) withdrawn by %s", return_request.pk, withdrawn, to_status)
    return withdrawn


def return_messages_write(
    *,
    return_request: ReturnRequest,
    to_status: str,
    from_status: str | None = None,
    customer_told: bool = False,
    event: ReturnEvent | None = None,
) -> list[OutboxMessage]:
    """Write the outbox messages of a transition (in its transaction); twice writes nothing more."""
    _superseded_customer_emails_withdraw(return_request=return_request, to_status=to_status)
    return [
        outbox_enqueue(**asdict(m))
        for m in return_messages_for(
            return_request=return_request,
            to_status=to_status,
            from_status=from_status,
            customer_told=customer_told,
            event=event,
        )
    ]


def return_status_changed_messages(change: StatusChange) -> None:
    """Write the outbox messages of this transition (a reaction, registered by ReturnsConfig.ready)."""
    return_messages_write(
        return_request=change.return_request,
        to_status=change.to_status,
        from_status=change.from_status,
        customer_told=change.customer_told,
        event=change.event,
    )


def return_status_changed_messages_many(changes: Sequence[StatusChange]) -> None:
    """`return_status_changed_messages` for several returns' moves at once (rma.returns.reactions `run_many`): the
    stale emails withdrawn in one statement, the new messages written in one."""
    stale = [key for c in changes for key in _superseded_keys(return_request=c.return_request, to_status=c.to_status)]
    if stale:
        outbox_messages_withdraw(dedupe_keys=stale)
    planned = [
        message
        for change in changes
        for message in return_messages_for(
            return_request=change.return_request,
            to_status=change.to_status,
            from_status=change.from_status,
            customer_told=change.customer_told,
            event=change.event,
        )
    ]
    outbox_enqueue_many(messages=[OutboxMessage(**asdict(m)) for m in planned])
