"""ShipX tracking as TrackingEvents: the polled history and the pushed webhooks.

Sources (InPost ShipX API documentation, https://dokumentacja-inpost.atlassian.net/wiki/spaces/PL/):
- "Shipment Tracking": GET /v1/tracking/{tracking_number}, no authorisation needed, answering
  `{"tracking_number", "service", "type", "status", "custom_attributes", "tracking_details": [{"status",
  "origin_status", "agency", "datetime"}], "expected_flow", "created_at", "updated_at"}`; an unknown number is
  `404 resource_not_found`.
- "Statuses" (page 18153478): GET /v1/statuses?lang=en_GB|pl_PL → `{"href", "items": [{"name", "title",
  "description"}]}`; any other lang is `400 invalid_parameter`.
- "Webhooks" (page 18153494): ShipX POSTs `{"event_ts": "2020-03-20 15:08:42 +0100", "event":
  "shipment_status_changed", "organization_id": 1, "payload": {"shipment_id": 49, "status": "delivered",
  "tracking_number": "602677439331630337653846"}}` (and `"event": "shipment_confirmed"` when the shipment is
  confirmed), from the address range 91.216.25.0/24. Older versions of the page show `"tracking_number": null`.

ShipX signs nothing (no signature header, no shared secret in the documentation; only the source addresses).
So the account holds a `webhook_token` and the URL registered in InPost's Manager Paczek carries it as user
information, `https://inpost:<webhook_token>@rma.example.com/webhooks/carriers/inpost/`, which HTTP clients send
as `Authorization: Basic base64("inpost:<token>")`; a Bearer header with the token is accepted too. Without a
configured token every delivery is refused: a tracking push must not be forgeable by whoever finds the URL.
"""

import base64
import binascii
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from rma.shipping.carriers.base import CarrierError, TrackingEvent, TrackingStatus, TrackingUpdate
from rma.shipping.carriers.inpost.mapping import shipx_datetime, tracking_status

logger = logging.getLogger(__name__)

WEBHOOK_EVENTS = ("shipment_status_changed", "shipment_confirmed")


def events_from_tracking(body: Mapping[str, Any], *, titles: Mapping[str, str]) -> list[TrackingEvent]:
    """The tracking_details of GET /v1/tracking, oldest first, with ShipX's title of each status."""
    events = []
    for detail in body.get("tracking_details") or []:
        name = str(detail.get("status") or "")
        if not name or not detail.get("datetime"):
            continue
        origin = str(detail.get("origin_status") or "")
        events.append(
            TrackingEvent(
                at=shipx_datetime(str(detail["datetime"])),
                code=name,
                description=titles.get(name) or name.replace("_", " ").capitalize(),
                status=tracking_status(name),
                location=str(detail.get("agency") or ""),
            )
        )
        if origin:
            logger.debug("inpost %s: %s (%s)", body.get("tracking_number"), name, origin)
    return sorted(events, key=lambda event: event.at)


def _token_from(headers: Mapping[str, str]) -> str:
    lowered = {key.lower(): value for key, value in headers.items()}
    authorization = lowered.get("authorization", "").strip()
    scheme, _sep, value = authorization.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return ""


def webhook_check(*, headers: Mapping[str, str], expected: str) -> None:
    """Refuse a delivery that does not carry the account's webhook token."""
    if not expected:
        raise CarrierError("inpost: no webhook_token is configured for this account; deliveries are refused")
    if not hmac.compare_digest(_token_from(headers).encode(), expected.encode()):
        raise CarrierError("inpost: the webhook delivery does not carry this account's token")


def webhook_updates(
    *,
    body: bytes,
    organization_id: str,
    titles: Mapping[str, str],
    tracking_number_of: Callable[[int], str],
) -> list[TrackingUpdate]:
    """The tracking events a ShipX webhook delivery carries ([] for other events or another organization)."""
    try:
        delivery = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        logger.warning("inpost webhook: the body is not JSON; ignored")
        return []
    if not isinstance(delivery, dict) or delivery.get("event") not in WEBHOOK_EVENTS:
        return []
    if organization_id and str(delivery.get("organization_id")) != str(organization_id):
        logger.warning("inpost webhook for organization %s ignored", delivery.get("organization_id"))
        return []
    payload = delivery.get("payload") or {}
    name = "confirmed" if delivery["event"] == "shipment_confirmed" else str(payload.get("status") or "")
    if not name or not delivery.get("event_ts"):
        return []
    tracking_number = str(payload.get("tracking_number") or "")
    if not tracking_number and payload.get("shipment_id"):
        # Older deliveries carry no number: the shipment has it.
        tracking_number = tracking_number_of(int(payload["shipment_id"]))
    if not tracking_number:
        return []
    event = TrackingEvent(
        at=shipx_datetime(str(delivery["event_ts"])),
        code=name,
        description=titles.get(name) or name.replace("_", " ").capitalize(),
        status=tracking_status(name) if name != "confirmed" else TrackingStatus.ANNOUNCED,
    )
    return [TrackingUpdate(tracking_number=tracking_number, events=(event,))]
