"""Money out: a refund or a store credit released for an order that came from a shop is created in that shop.

The call is an outbox message (channel "shop"), written in the transaction that released the money, so it is
made after the commit, retried with backoff, dead-lettered after the last attempt and replayable from the admin,
like every other message (rma.notifications). Its dedupe key holds our refund's (or credit's) id: it is
written once. Its payload holds what to create, fixed when the money was released (which units go back to
stock follows the warehouse's dispositions). The connector creates it in the shop under our id and finds it
there on a retry, so a timeout, a 500 or a killed worker never refunds twice.
"""

import logging
from collections.abc import Sequence
from dataclasses import asdict
from decimal import Decimal

from rma.connectors.choices import ShopTopic
from rma.connectors.models import ShopConnection, ShopOrder
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import CreditOrder, MoneyLine, PlatformError, RefundOrder
from rma.notifications.choices import Channel
from rma.notifications.exceptions import DeliveryFailed
from rma.notifications.models import OutboxMessage
from rma.notifications.outbox import outbox_enqueue, outbox_enqueue_many
from rma.returns.choices import ReturnStatus
from rma.returns.messages import PlannedMessage
from rma.returns.models import ReturnLine, ReturnRequest
from rma.returns.reactions import StatusChange
from rma.warehouse.choices import DispositionKind, RefundMethod, UnitCondition
from rma.warehouse.models import Disposition, Refund, StoreCredit

logger = logging.getLogger(__name__)

# The dispositions that put a unit back on sale: only these are restocked in the shop.
RESTOCKED = (DispositionKind.RESTOCK, DispositionKind.RESTOCK_OPEN_BOX)


def _destination(connection: ShopConnection) -> str:
    return f"connection:{connection.pk}"


def _refunded_units(refund: Refund) -> dict[int, tuple[int, Decimal]]:
    """Units refunded per return line and what they are worth, from the refund's breakdown: the units received
    (or kept, without return), not those missing from the parcel or not the announced item."""
    units: dict[int, tuple[int, Decimal]] = {}
    for unit in refund.breakdown.get("units", []):
        if unit.get("condition") not in (UnitCondition.RECEIVED, "kept"):
            continue
        count, value = units.get(unit["line_id"], (0, Decimal("0.00")))
        units[unit["line_id"]] = (count + 1, value + Decimal(unit["value"]))
    return units


def refund_order(*, refund: Refund, link: ShopOrder) -> RefundOrder:
    """What to create in the shop for `refund`: the units refunded per line, those going back to stock (what the
    warehouse restocked), and the amount."""
    (order,) = refund_orders(refunds=[(refund, link)])
    return order


def refund_orders(*, refunds: Sequence[tuple[Refund, ShopOrder]]) -> list[RefundOrder]:
    """`refund_order` for several refunds (of different returns) with their shop orders: the dispositions and the
    lines of their returns read in one statement each."""
    if not refunds:
        return []
    return_ids = [refund.return_request_id for refund, _link in refunds]
    restocked: dict[int, int] = {}
    for line_id in Disposition.objects.filter(
        inspection__return_line__return_request__in=return_ids, kind__in=RESTOCKED
    ).values_list("inspection__return_line_id", flat=True):
        restocked[line_id] = restocked.get(line_id, 0) + 1
    lines: dict[int, list[ReturnLine]] = {}
    for line in ReturnLine.objects.filter(return_request__in=return_ids).select_related("order_line").order_by("id"):
        lines.setdefault(line.return_request_id, []).append(line)
    orders = []
    for refund, link in refunds:
        return_request = refund.return_request
        refunded = _refunded_units(refund)
        money_lines = [
            MoneyLine(
                line_ref=line.order_line.external_id,
                sku=line.order_line.sku,
                quantity=refunded[line.pk][0],
                restock_quantity=0
                if return_request.returnless
                else min(refunded[line.pk][0], restocked.get(line.pk, 0)),
                amount=refunded[line.pk][1].quantize(Decimal("0.01")),
            )
            for line in lines.get(return_request.pk, [])
            if line.pk in refunded
        ]
        orders.append(
            RefundOrder(
                reference=str(refund.public_id),
                order_ref=link.order_ref,
                amount=refund.amount,
                currency=refund.currency,
                lines=money_lines,
                reason=f"Return {return_request.rma_number}",
                rma_number=return_request.rma_number,
                order_extra=dict(link.extra),
            )
        )
    return orders


def credit_order(*, credit: StoreCredit, link: ShopOrder, return_request: ReturnRequest) -> CreditOrder:
    return CreditOrder(
        reference=str(credit.public_id),
        code=credit.code,
        amount=credit.amount,  # the bonus included
        currency=credit.currency,
        customer_email=return_request.contact_email,
        customer_name=return_request.contact_name,
        expires_at=credit.expires_at,
        rma_number=return_request.rma_number,
        order_ref=link.order_ref,
    )


# Moves after which a return cannot have a refund or a store credit yet: both come once the parcel is on its way,
# or with a returnless approval, whose refund then moves the return to refunded (that move writes the call).
_NO_MONEY_YET = frozenset(
    {
        ReturnStatus.SUBMITTED,
        ReturnStatus.NEEDS_REVIEW,
        ReturnStatus.APPROVED,
        ReturnStatus.REJECTED,
        ReturnStatus.LABEL_READY,
    }
)


def shop_calls_follow_return(change: StatusChange) -> None:
    """Reaction: when the return's refund or store credit now exists, write the shop's call for it (once)."""
    for call in _shop_calls(return_requests=_money_possible([change])):
        outbox_enqueue(**asdict(call))


def shop_calls_follow_returns(changes: Sequence[StatusChange]) -> None:
    """`shop_calls_follow_return` for several returns' moves at once (rma.returns.reactions `run_many`): the returns'
    shop orders, refunds and store credits read in one statement each, the calls written in one."""
    calls = _shop_calls(return_requests=_money_possible(changes))
    outbox_enqueue_many(messages=[OutboxMessage(**asdict(call)) for call in calls])


def _money_possible(changes: Sequence[StatusChange]) -> list[ReturnRequest]:
    """The returns of `changes` whose move may come with a refund or a store credit."""
    return [change.return_request for change in changes if change.to_status not in _NO_MONEY_YET]


def _shop_calls(*, return_requests: Sequence[ReturnRequest]) -> list[PlannedMessage]:
    """The shop calls for the refunds and store credits the returns now have, in their order (a return's refund
    first). Their shop orders are read in one statement; their refunds and store credits in one each, when some came
    from an enabled shop."""
    if not return_requests:
        return []
    links = {
        link.order_id: link
        for link in ShopOrder.objects.select_related("connection").filter(
            order_id__in={return_request.order_id for return_request in return_requests}, connection__enabled=True
        )
    }
    linked = [return_request for return_request in return_requests if return_request.order_id in links]
    if not linked:
        return []
    refunds = {
        refund.return_request_id: refund
        for refund in Refund.objects.filter(return_request__in=linked).select_related("return_request")
    }
    credits = {credit.return_request_id: credit for credit in StoreCredit.objects.filter(return_request__in=linked)}
    paid = [
        (refund, links[return_request.order_id])
        for return_request in linked
        if (refund := refunds.get(return_request.pk)) is not None
        and refund.method != RefundMethod.STORE_CREDIT
        and refund.amount > 0
    ]
    orders = {order.reference: order for order in refund_orders(refunds=paid)}
    calls = []
    for return_request in linked:
        link = links[return_request.order_id]
        refund = refunds.get(return_request.pk)
        if refund is not None and str(refund.public_id) in orders:
            calls.append(
                PlannedMessage(
                    channel=Channel.SHOP,
                    topic=ShopTopic.REFUND,
                    destination=_destination(link.connection),
                    payload=orders[str(refund.public_id)].as_payload(),
                    dedupe_key=f"shop:refund:{refund.public_id}",
                    locale=return_request.locale,
                )
            )
        credit = credits.get(return_request.pk)
        if credit is not None:
            calls.append(
                PlannedMessage(
                    channel=Channel.SHOP,
                    topic=ShopTopic.STORE_CREDIT,
                    destination=_destination(link.connection),
                    payload=credit_order(credit=credit, link=link, return_request=return_request).as_payload(),
                    dedupe_key=f"shop:store_credit:{credit.public_id}",
                    locale=return_request.locale,
                )
            )
    return calls


def shop_call_send(message: OutboxMessage, attempt: int) -> None:
    """The outbox's sender for channel "shop": make the call in the shop (see the module doc)."""
    prefix, _sep, pk = message.destination.partition(":")
    connection = ShopConnection.objects.filter(pk=pk).first() if prefix == "connection" and pk.isdigit() else None
    if connection is None:
        raise DeliveryFailed(f"No shop connection {message.destination!r}.", permanent=True)
    if not connection.enabled:
        raise DeliveryFailed(f"Shop connection {connection.name} is disabled: enable it, then replay.", permanent=True)
    connector = connector_for(connection)
    try:
        if message.topic == ShopTopic.REFUND:
            record = connector.refund_create(refund=RefundOrder.from_payload(message.payload))
        elif message.topic == ShopTopic.STORE_CREDIT:
            record = connector.credit_create(credit=CreditOrder.from_payload(message.payload))
        else:
            raise DeliveryFailed(f"Unknown shop call {message.topic!r}.", permanent=True)
    except PlatformError as exc:
        raise DeliveryFailed(exc.message, permanent=exc.permanent, retry_after=exc.retry_after) from exc
    logger.info(
        "%s %s in %s: %s %s (attempt %s)",
        message.topic,
        "created" if record.created else "already there",
        connection.name,
        record.kind,
        record.ref,
        attempt,
    )
