"""The JSON of a return as the API gives it, built by plain functions: a page of 50 returns is thousands of values,
and a serializer per value (and per nested object) costs more than the page's SQL several times over.

The shapes are declared by the serializers in rma/returns/api/serializers.py (the schema is generated from them);
their ``to_representation`` calls these functions. Values are formatted by one shared field of each kind, so that
dates, decimals and choices come out exactly as the serializers' own fields write them.
"""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from rma.locations.choices import DropOffMethod
from rma.returns.choices import CreationChannel, Resolution, ReturnStatus
from rma.returns.models import ReturnEvent, ReturnLine, ReturnPhoto, ReturnRequest
from rma.returns.reactions import facts

_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()
_MONEY = serializers.DecimalField(max_digits=10, decimal_places=2)
_UUID = serializers.UUIDField()
_STATUS = serializers.ChoiceField(choices=ReturnStatus.choices)
_RESOLUTION = serializers.ChoiceField(choices=Resolution.choices)
_CHANNEL = serializers.ChoiceField(choices=CreationChannel.choices)
_DROP_OFF_METHOD = serializers.ChoiceField(choices=DropOffMethod.choices)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _datetime(value: Any) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


def _date(value: Any) -> str | None:
    return None if value is None else _DATE.to_representation(value)


def return_photo_json(photo: ReturnPhoto) -> dict[str, Any]:
    return_line = photo.return_line
    return {
        "id": photo.pk,
        "order_line": _text(return_line.order_line.external_id),
        "content_type": _text(photo.content_type),
        "url": reverse(
            "api-return-photo-file",
            kwargs={"public_id": return_line.return_request.public_id, "photo_id": photo.pk},
        ),
        "created_at": _datetime(photo.created_at),
    }


def return_line_json(line: ReturnLine) -> dict[str, Any]:
    order_line = line.order_line
    reason = line.reason
    return {
        "order_line": _text(order_line.external_id),
        "sku": _text(order_line.sku),
        "name": _text(order_line.name),
        "unit_price": None if order_line.unit_price is None else _MONEY.to_representation(order_line.unit_price),
        "quantity": int(line.quantity),
        "reason": {"code": _text(reason.code), "label": _text(reason.label)},
        "comment": _text(line.comment),
        "exchange_sku": _text(line.exchange_sku),
        "photos": [return_photo_json(photo) for photo in line.photos.all()],
    }


def _drop_off_json(return_request: ReturnRequest) -> dict[str, Any]:
    point = return_request.drop_off_point
    return {
        "method": _DROP_OFF_METHOD.to_representation(return_request.drop_off_method),
        "point": None
        if point is None
        else {
            "id": point.pk,
            "name": _text(point.name),
            "kind": _text(point.kind),
            "carrier": _text(point.carrier),
            "carrier_point_id": _text(point.carrier_point_id),
            "address_lines": [_text(line) for line in point.address_lines],
        },
        "pickup_date": None
        if return_request.pickup_date is None
        else _DATE.to_representation(return_request.pickup_date),
        "pickup_slot": _text(return_request.pickup_slot),
    }


def return_label_json(return_request: ReturnRequest) -> dict[str, Any] | None:
    # The label belongs to the shipping app; the selectors load it with the return (no extra query).
    label = getattr(return_request, "label", None)
    if label is None:
        return None
    return {
        "carrier": _text(label.carrier),
        "status": _text(label.status),
        "tracking_number": _text(label.tracking_number),
    }


def return_request_summary_json(return_request: ReturnRequest) -> dict[str, Any]:
    """A return as lists show it (ReturnRequestSummarySerializer)."""
    store = return_request.store
    warehouse = return_request.destination_warehouse
    order = return_request.order
    return {
        "public_id": _UUID.to_representation(return_request.public_id),
        "rma_number": _text(return_request.rma_number),
        "status": _STATUS.to_representation(return_request.status),
        "status_label": _text(return_request.get_status_display()),
        "order": {"external_id": _text(order.external_id), "number": _text(order.number)},
        "resolution": _RESOLUTION.to_representation(return_request.resolution),
        "channel": _CHANNEL.to_representation(return_request.channel),
        "locale": _text(return_request.locale),
        "contact_email": _text(return_request.contact_email),
        "contact_name": _text(return_request.contact_name),
        "store": None if store is None else _text(store.code),
        "destination_warehouse": None if warehouse is None else _text(warehouse.code),
        "drop_off": _drop_off_json(return_request),
        "currency": _text(return_request.currency),
        "fee_amount": _MONEY.to_representation(return_request.fee_amount),
        "refund_estimate": _MONEY.to_representation(return_request.refund_estimate),
        "returnless": bool(return_request.returnless),
        "review_reason": _text(return_request.review_reason),
        "label": return_label_json(return_request),
        "lines": [return_line_json(line) for line in return_request.lines.all()],
        "created_at": _datetime(return_request.created_at),
        "updated_at": _datetime(return_request.updated_at),
        "submitted_at": _datetime(return_request.submitted_at),
        "approved_at": _datetime(return_request.approved_at),
        "send_by": _datetime(return_request.send_by),
    }


def return_event_json(event: ReturnEvent) -> dict[str, Any]:
    return {
        "at": _datetime(event.created_at),
        "by": _text(event.actor_label),
        "from": _text(event.from_status),
        "to": _text(event.to_status),
        "note": _text(event.note),
        "reason": _text(event.reason),
    }


def return_refund_json(return_request: ReturnRequest) -> dict[str, Any] | None:
    # The refund belongs to the warehouse app, which provides it (rma.returns.reactions.facts).
    released = facts.refund(return_request)
    if released is None:
        return None
    return {"amount": released.amount, "currency": released.currency, "method": released.method}


def return_request_detail_json(return_request: ReturnRequest) -> dict[str, Any]:
    """A return with its refund and timeline (ReturnRequestDetailSerializer)."""
    return {
        **return_request_summary_json(return_request),
        "refund": return_refund_json(return_request),
        "timeline": [return_event_json(event) for event in return_request.events.all()],
    }


def return_request_created_json(return_request: ReturnRequest) -> dict[str, Any]:
    """A return just created, still a draft, approved or under review: as `return_request_detail_json`, without
    asking for a refund, which none of these statuses can have (a returnless approval is refunded at once)."""
    return {
        **return_request_summary_json(return_request),
        "refund": None,
        "timeline": [return_event_json(event) for event in return_request.events.all()],
    }
