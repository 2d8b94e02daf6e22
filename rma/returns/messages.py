"""Which outbox messages each return transition produces, written in the transaction of the transition.

- approved: the customer (email ``return_approved``, "we have your return, next steps") and the destination
  warehouse (advance notice: webhook ``return.approved`` and/or email ``warehouse_advance_notice``);
- label_ready: the customer (email ``label_ready``, with the label and tracking page links);
- in_transit: the destination warehouse (webhook ``return.in_transit`` and/or email ``warehouse_advance_notice``);
- received: the customer (email ``parcel_received``);
- refunded: the customer (email ``refund_released``).

A returnless refund (the customer keeps the items) sends nothing to the warehouse. The warehouse gets a
webhook when it has ``notify_webhook_url`` (signed with ``notify_webhook_secret``) and an email when it has
``notify_email``. Each message has a dedupe key ``return:<public_id>:<status>:<recipient>-<channel>``, so a
transition replayed or retried never writes a second message.

Connected by ``NotificationsConfig.ready()`` (and, once added there, ``ReturnsConfig.ready()``).
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from rma.locations.models import Warehouse
from rma.notifications.models import Channel, OutboxMessage
from rma.notifications.services import outbox_enqueue, outbox_secret_ref
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnLine, ReturnRequest
from rma.returns.signals import return_status_changed

CUSTOMER_EMAIL_TOPICS: dict[str, str] = {
    ReturnStatus.APPROVED: "return_approved",
    ReturnStatus.LABEL_READY: "label_ready",
    ReturnStatus.RECEIVED: "parcel_received",
    ReturnStatus.REFUNDED: "refund_released",
}
WAREHOUSE_NOTICE_STATUSES = frozenset({ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT})
WAREHOUSE_EMAIL_TOPIC = "warehouse_advance_notice"
DEFAULT_TRANSIT_DAYS = 3


@dataclass(frozen=True)
class PlannedMessage:
    """One outbox message a transition calls for."""

    channel: str
    topic: str
    destination: str
    payload: dict[str, Any]
    dedupe_key: str
    locale: str
    secret_ref: str = ""


def return_tracking_url(*, return_request: ReturnRequest) -> str:
    """The customer's tracking page (rma.returns.urls "portal:tracking")."""
    return f"{settings.RMA_PUBLIC_BASE_URL.rstrip('/')}/r/{return_request.public_id}/"


def return_label_url(*, return_request: ReturnRequest) -> str:
    """The customer's label download (rma.shipping.urls "customer-label-pdf")."""
    return f"{settings.RMA_PUBLIC_BASE_URL.rstrip('/')}/r/{return_request.public_id}/label.pdf"


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _downstream(app_label: str, model_name: str, return_request: ReturnRequest) -> Any:
    """The row of a downstream app (shipping, warehouse) about this return, found by name: returns never
    imports them. A query rather than the reverse accessor, which would cache "none yet" on the instance."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    return model._default_manager.filter(return_request=return_request).first()


def _tracking_number(return_request: ReturnRequest) -> str | None:
    """The tracking number of the return's label, unless it was voided."""
    label = _downstream("shipping", "Label", return_request)
    if label is None or label.status == "voided":
        return None
    return label.tracking_number or None


def _refund(return_request: ReturnRequest) -> dict[str, str]:
    """The released refund, else the estimate."""
    refund = _downstream("warehouse", "Refund", return_request)
    if refund is None:
        return {"amount": _money(return_request.refund_estimate), "currency": return_request.currency, "method": ""}
    return {"amount": _money(refund.amount), "currency": refund.currency, "method": refund.method}


def _drop_off(return_request: ReturnRequest) -> dict[str, Any]:
    point = return_request.drop_off_point
    return {
        "method": return_request.drop_off_method,
        "point": None
        if point is None
        else {
            "name": point.name,
            "kind": point.kind,
            "carrier": point.carrier,
            "carrier_point_id": point.carrier_point_id,
            "address_lines": point.address_lines,
            "postcode": point.postcode,
            "city": point.city,
        },
        "pickup_date": return_request.pickup_date.isoformat() if return_request.pickup_date else None,
        "pickup_slot": return_request.pickup_slot or None,
    }


def _lines(return_request: ReturnRequest) -> list[dict[str, Any]]:
    lines = ReturnLine.objects.filter(return_request=return_request).select_related("order_line", "reason")
    return [
        {
            "sku": line.order_line.sku,
            "name": line.order_line.name,
            "quantity": line.quantity,
            "reason": line.reason.code,
        }
        for line in lines.order_by("id")
    ]


def _common(return_request: ReturnRequest, to_status: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "event": f"return.{to_status}",
        "rma_number": return_request.rma_number,
        "public_id": str(return_request.public_id),
        "status": to_status,
        "order_number": return_request.order.number,
        "lines": lines,
        "drop_off": _drop_off(return_request),
    }


def _customer_message(return_request: ReturnRequest, to_status: str, lines: list[dict[str, Any]]) -> PlannedMessage:
    topic = CUSTOMER_EMAIL_TOPICS[to_status]
    payload = {
        **_common(return_request, to_status, lines),
        "customer_name": return_request.contact_name,
        "tracking_url": return_tracking_url(return_request=return_request),
        "resolution": return_request.resolution,
        "returnless": return_request.returnless,
        "send_by": return_request.send_by.isoformat() if return_request.send_by else None,
        "currency": return_request.currency,
        "fee_amount": _money(return_request.fee_amount),
        "refund_estimate": _money(return_request.refund_estimate),
    }
    if to_status == ReturnStatus.LABEL_READY:
        payload["label_url"] = return_label_url(return_request=return_request)
        payload["tracking_number"] = _tracking_number(return_request)
    elif to_status == ReturnStatus.REFUNDED:
        refund = _refund(return_request)
        payload.update(
            refund_amount=refund["amount"], refund_currency=refund["currency"], refund_method=refund["method"]
        )
    return PlannedMessage(
        channel=Channel.EMAIL,
        topic=topic,
        destination=return_request.contact_email,
        payload=payload,
        dedupe_key=f"return:{return_request.public_id}:{to_status}:customer-email",
        locale=return_request.locale or settings.LANGUAGE_CODE,
    )


def _warehouse_messages(
    return_request: ReturnRequest, to_status: str, lines: list[dict[str, Any]], warehouse: Warehouse
) -> list[PlannedMessage]:
    payload = {**_common(return_request, to_status, lines), "warehouse": warehouse.code}
    tracking_number = _tracking_number(return_request)
    if tracking_number:
        payload["tracking_number"] = tracking_number
    if return_request.send_by:
        payload["send_by"] = return_request.send_by.isoformat()
    if to_status == ReturnStatus.IN_TRANSIT:
        days = getattr(settings, "RMA_EXPECTED_TRANSIT_DAYS", DEFAULT_TRANSIT_DAYS)
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


def return_messages_for(*, return_request: ReturnRequest, to_status: str) -> list[PlannedMessage]:
    """The messages a return's move to `to_status` calls for (nothing written)."""
    wants_customer = to_status in CUSTOMER_EMAIL_TOPICS and bool(return_request.contact_email)
    warehouse = return_request.destination_warehouse
    wants_warehouse = (
        to_status in WAREHOUSE_NOTICE_STATUSES
        and not return_request.returnless
        and warehouse is not None
        and bool(warehouse.notify_webhook_url or warehouse.notify_email)
    )
    if not (wants_customer or wants_warehouse):
        return []
    lines = _lines(return_request)
    planned = []
    if wants_customer:
        planned.append(_customer_message(return_request, to_status, lines))
    if wants_warehouse:
        planned += _warehouse_messages(return_request, to_status, lines, warehouse)
    return planned


def return_messages_write(*, return_request: ReturnRequest, to_status: str) -> list[OutboxMessage]:
    """Write the outbox messages of a transition (in its transaction); twice writes nothing more."""
    return [
        outbox_enqueue(
            channel=m.channel,
            topic=m.topic,
            destination=m.destination,
            payload=m.payload,
            dedupe_key=m.dedupe_key,
            locale=m.locale,
            secret_ref=m.secret_ref,
        )
        for m in return_messages_for(return_request=return_request, to_status=to_status)
    ]


@receiver(return_status_changed, dispatch_uid="rma.returns.messages.return_status_changed_messages")
def return_status_changed_messages(
    sender: Any, *, return_request: ReturnRequest, from_status: str, to_status: str, **kwargs: Any
) -> None:
    """Write the outbox messages of this transition."""
    return_messages_write(return_request=return_request, to_status=to_status)
