"""Demo returns happened over the days after delivery: move their timestamps there, after the services ran."""

import random
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from rma.orders.models import Order
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.shipping.models import CounterCheck, Label
from rma.warehouse.models import Arrival, Disposition, ExchangeRequest, Inspection, Refund

S = ReturnStatus

# Days between a status and the one before it, when the history is spread over the days after delivery.
GAPS: dict[str, float] = {
    S.IN_TRANSIT: 1.5,
    S.RECEIVED: 2.0,
    S.INSPECTED: 1.0,
    S.REFUNDED: 0.5,
    S.EXCHANGED: 1.0,
    S.CLOSED: 1.0,
}


def _received_without_transit_scan(event: ReturnEvent, following: ReturnEvent | None) -> bool:
    """An "in transit" written by the dock's operator just before "received": no carrier scanned the parcel."""
    return (
        following is not None
        and event.to_status == S.IN_TRANSIT
        and following.to_status == S.RECEIVED
        and event.actor_id is not None
        and event.actor_id == following.actor_id
    )


def return_request_backdate(
    *, return_request: ReturnRequest, order: Order, status: str, now: datetime, rng: random.Random
) -> None:
    """Spread the return's history over the days after delivery, as if it had happened then.

    The services stamp everything "now"; a demo where every return was made in the same second says
    nothing. Only timestamps move (QuerySet.update on purpose: no service is about time travel), and each
    row a service wrote takes the moment of the status change it belongs to. Approved returns keep a
    send-by date in the future, expired ones one in the past, so the expiry task agrees with them.
    """
    events = list(ReturnEvent.objects.filter(return_request=return_request).order_by("id"))
    offsets, elapsed = [], 0.0
    for index, event in enumerate(events):
        following = events[index + 1] if index + 1 < len(events) else None
        if _received_without_transit_scan(event, following):
            elapsed += GAPS[S.IN_TRANSIT] + GAPS[S.RECEIVED]  # the trip, then both moves at the dock at once
        elif event.to_status == S.RECEIVED and _received_without_transit_scan(events[index - 1], event):
            elapsed += 0.0005
        elif event.from_status == S.APPROVED and event.to_status == S.REFUNDED:
            elapsed += 0.0005  # a returnless refund is released with its approval
        elif event.from_status == S.NEEDS_REVIEW:
            elapsed += 0.6  # an agent looked at it the next working hours
        elif event.to_status == S.EXPIRED:
            elapsed += settings.RMA_SEND_DEADLINE.total_seconds() / 86400 + 0.1  # the hourly expiry
        else:
            elapsed += GAPS.get(event.to_status, 0.002)
        offsets.append(elapsed)
    if order.delivered_at is None:  # demo returns are made on delivered orders only
        raise ValueError(f"order {order.number} was not delivered")
    latest = now - timedelta(hours=1)
    start = order.delivered_at + timedelta(days=rng.uniform(0.3, 1.5))
    if status in (S.APPROVED, S.LABEL_READY):
        start = max(start, now - timedelta(days=10))
    elif status == S.EXPIRED:
        start = min(start, now - settings.RMA_SEND_DEADLINE - timedelta(days=1))
    start = min(start, latest - timedelta(hours=2))
    room = (latest - start).total_seconds() / 86400
    if offsets[-1] > room:
        offsets = [offset * room / offsets[-1] for offset in offsets]
    moments = [start + timedelta(days=offset) for offset in offsets]
    for event, moment in zip(events, moments, strict=True):
        ReturnEvent.objects.filter(pk=event.pk).update(created_at=moment)
    at = {event.to_status: moment for event, moment in zip(events, moments, strict=True)}
    values: dict[str, Any] = {"created_at": moments[0], "updated_at": moments[-1], "status_changed_at": moments[-1]}
    if S.RECEIVED in at:
        values["received_at"] = at[S.RECEIVED]
    if S.SUBMITTED in at:
        values["submitted_at"] = at[S.SUBMITTED]
    if S.APPROVED in at:
        values["approved_at"] = at[S.APPROVED]
        values["send_by"] = at[S.APPROVED] + settings.RMA_SEND_DEADLINE
    ReturnRequest.objects.filter(pk=return_request.pk).update(**values)
    _rows_backdate(return_request, at=at)


def _rows_backdate(return_request: ReturnRequest, *, at: dict[str, datetime]) -> None:
    """The label, counter checks, arrival, inspections, dispositions, refund or exchange: at their event."""
    if S.APPROVED in at:
        label: dict[str, Any] = {"created_at": at[S.APPROVED], "updated_at": at[S.APPROVED]}
        if S.LABEL_READY in at:
            label |= {"ready_at": at[S.LABEL_READY], "updated_at": at[S.LABEL_READY]}
        voided = at.get(S.CANCELLED) or at.get(S.EXPIRED)
        if voided is not None:
            label |= {"voided_at": voided, "updated_at": voided}
        Label.objects.filter(return_request=return_request).update(**label)
    checked = at.get(S.IN_TRANSIT) or at.get(S.CANCELLED)
    if checked is not None:
        CounterCheck.objects.filter(return_line__return_request=return_request).update(
            created_at=checked, updated_at=checked
        )
    if S.RECEIVED in at:
        Arrival.objects.filter(return_request=return_request).update(
            created_at=at[S.RECEIVED], updated_at=at[S.RECEIVED]
        )
    if S.INSPECTED in at:
        moment = at[S.INSPECTED]
        Inspection.objects.filter(return_line__return_request=return_request).update(
            inspected_at=moment, created_at=moment, updated_at=moment
        )
        Disposition.objects.filter(inspection__return_line__return_request=return_request).update(
            confirmed_at=moment, created_at=moment, updated_at=moment
        )
    if S.REFUNDED in at:
        Refund.objects.filter(return_request=return_request).update(
            released_at=at[S.REFUNDED], created_at=at[S.REFUNDED], updated_at=at[S.REFUNDED]
        )
    if S.EXCHANGED in at:
        ExchangeRequest.objects.filter(return_request=return_request).update(
            requested_at=at[S.EXCHANGED], created_at=at[S.EXCHANGED], updated_at=at[S.EXCHANGED]
        )
