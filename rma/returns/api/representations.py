"""The JSON of a return as the API gives it, built by plain functions: a page of 50 returns is thousands of values,
and a serializer per value (and per nested object) costs more than the page's SQL several times over.

The shapes are declared by the serializers in rma/returns/api/serializers.py (the schema is generated from them);
their ``to_representation`` calls these functions, and the list writes its whole page with them. Values come out
exactly as the serializers' own fields write them: dates and money through rma.core.api.values (the zone and the
language read once per page), the rest through one shared field of each kind.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from rest_framework import serializers

from rma.core.api.values import PageValues, money
from rma.core.api.values import text as _text
from rma.core.formatting import choice_label
from rma.locations.choices import DropOffMethod
from rma.returns.choices import CreationChannel, Resolution, ReturnStatus
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.returns.reactions import facts
from rma.returns.selectors import LineRow, PhotoRow, line_row

_DATE = serializers.DateField()
_UUID = serializers.UUIDField()
_STATUS = serializers.ChoiceField(choices=ReturnStatus.choices)
_RESOLUTION = serializers.ChoiceField(choices=Resolution.choices)
_CHANNEL = serializers.ChoiceField(choices=CreationChannel.choices)
_DROP_OFF_METHOD = serializers.ChoiceField(choices=DropOffMethod.choices)


@dataclass
class Formats(PageValues):
    """What a page of returns is written with (rma.core.api.values), and the status labels met so far."""

    status_labels: dict[str, str] = field(default_factory=dict)

    def status_label(self, value: str) -> str:
        label = self.status_labels.get(value)
        if label is None:
            label = self.status_labels[value] = choice_label(ReturnStatus, value)
        return label


def _date(value: date | None) -> str | None:
    return None if value is None else _DATE.to_representation(value)


def _photo_json(photo: PhotoRow, *, order_line: str, public_id: Any, formats: Formats) -> dict[str, Any]:
    return {
        "id": photo.id,
        "order_line": _text(order_line),
        "content_type": _text(photo.content_type),
        "url": reverse("api-return-photo-file", kwargs={"public_id": public_id, "photo_id": photo.id}),
        "created_at": formats.datetime(photo.created_at),
    }


def _line_json(line: LineRow, *, public_id: Any, formats: Formats) -> dict[str, Any]:
    return {
        "order_line": _text(line.order_line),
        "sku": _text(line.sku),
        "name": _text(line.name),
        "unit_price": None if line.unit_price is None else money(line.unit_price),
        "quantity": int(line.quantity),
        # ReasonCode.label, with the language read once for the page.
        "reason": {
            "code": _text(line.reason_code),
            "label": _text(line.reason_label_fr if formats.french else line.reason_label_en),
        },
        "comment": _text(line.comment),
        "exchange_sku": _text(line.exchange_sku),
        "photos": [
            _photo_json(photo, order_line=line.order_line, public_id=public_id, formats=formats)
            for photo in line.photos
        ],
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
        "pickup_date": _date(return_request.pickup_date),
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


def return_request_summary_json(
    return_request: ReturnRequest, formats: Formats | None = None, lines: list[LineRow] | None = None
) -> dict[str, Any]:
    """A return as lists show it (ReturnRequestSummarySerializer): `lines` as selectors.return_line_rows gives them,
    else its lines as loaded with it (lines.all(), with their order line, reason and photos)."""
    formats = formats or Formats()
    if lines is None:
        lines = [line_row(line) for line in return_request.lines.all()]
    public_id = return_request.public_id
    store = return_request.store
    warehouse = return_request.destination_warehouse
    order = return_request.order
    return {
        "public_id": _UUID.to_representation(public_id),
        "rma_number": _text(return_request.rma_number),
        "status": _STATUS.to_representation(return_request.status),
        "status_label": formats.status_label(return_request.status),
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
        "fee_amount": money(return_request.fee_amount),
        "refund_estimate": money(return_request.refund_estimate),
        "returnless": bool(return_request.returnless),
        "review_reason": _text(return_request.review_reason),
        "label": return_label_json(return_request),
        "lines": [_line_json(line, public_id=public_id, formats=formats) for line in lines],
        "created_at": formats.datetime(return_request.created_at),
        "updated_at": formats.datetime(return_request.updated_at),
        "submitted_at": formats.datetime(return_request.submitted_at),
        "approved_at": formats.datetime(return_request.approved_at),
        "send_by": formats.datetime(return_request.send_by),
    }


def return_requests_summary_json(
    return_requests: list[ReturnRequest], lines: dict[int, list[LineRow]]
) -> list[dict[str, Any]]:
    """A page of returns as lists show them, with their `lines` by return id (selectors.return_line_rows); the zone
    and the language are read once for the page."""
    formats = Formats()
    return [
        return_request_summary_json(return_request, formats, lines.get(return_request.pk, []))
        for return_request in return_requests
    ]


def return_event_json(event: ReturnEvent, formats: Formats | None = None) -> dict[str, Any]:
    formats = formats or Formats()
    return {
        "at": formats.datetime(event.created_at),
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
    formats = Formats()
    return {
        **return_request_summary_json(return_request, formats),
        "refund": return_refund_json(return_request),
        "timeline": [return_event_json(event, formats) for event in return_request.events.all()],
    }


def return_request_created_json(return_request: ReturnRequest) -> dict[str, Any]:
    """A return just created, still a draft, approved or under review: as `return_request_detail_json`, without
    asking for a refund, which none of these statuses can have (a returnless approval is refunded at once)."""
    formats = Formats()
    return {
        **return_request_summary_json(return_request, formats),
        "refund": None,
        "timeline": [return_event_json(event, formats) for event in return_request.events.all()],
    }
