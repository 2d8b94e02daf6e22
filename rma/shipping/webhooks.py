"""``POST /webhooks/carriers/<carrier code>/``: tracking events a carrier pushes to us.

The carrier's adapter reads the delivery (`TrackingWebhooks.webhook_read`), checking its signature its own way; the
events are stored and applied at once (rma.shipping.services.tracking.label_tracking_apply, idempotent: a delivery
sent twice stores and moves nothing more). A tracking number we do not know (another shop's parcel on a shared
account, a label since deleted) is acknowledged and logged: the carrier must not retry it.

A GET answers 200 when the carrier pushes webhooks here: carriers check an address that way when it is registered
(InPost's ShipX does). Answers to a POST: 200 with counts; 401 when no adapter accepts the signature (nothing
stored); 404 for a carrier that is unknown or pushes nothing; 400 for a delivery the adapter cannot read; 413 too
large; 503 when the database could not store it (the carrier retries).
"""

import logging
from collections.abc import Mapping

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from rma.shipping.carriers import CarrierError, TrackingUpdate, TrackingWebhooks
from rma.shipping.choices import TrackingSource
from rma.shipping.models import Label
from rma.shipping.services.tracking import label_tracking_apply, webhook_carriers

logger = logging.getLogger(__name__)


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "detail": detail}}, status=status)


def _read(code: str, headers: Mapping[str, str], body: bytes) -> list[TrackingUpdate] | JsonResponse:
    """The delivery's updates, read by the first adapter that accepts its signature; else the error to answer."""
    try:
        candidates = [c for c in webhook_carriers(code=code) if isinstance(c, TrackingWebhooks)]
    except CarrierError:
        candidates = []
    if not candidates:
        return _error(404, "not_found", "This carrier sends no tracking webhooks here.")
    for carrier in candidates:
        try:
            return carrier.webhook_read(headers=headers, body=body)
        except CarrierError:
            continue
        except (ValueError, KeyError, TypeError, AttributeError):
            logger.warning("carrier webhook for %s could not be read", code, exc_info=True)
            return _error(400, "unreadable", "The delivery could not be read.")
    logger.warning("carrier webhook for %s refused: bad or missing signature", code)
    return _error(401, "invalid_signature", "The signature is missing or does not match.")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def carrier_webhook(request: HttpRequest, code: str) -> JsonResponse:
    if request.method == "GET":
        try:
            pushes = any(isinstance(c, TrackingWebhooks) for c in webhook_carriers(code=code))
        except CarrierError:
            pushes = False
        if not pushes:
            return _error(404, "not_found", "This carrier sends no tracking webhooks here.")
        return JsonResponse({"status": "ok"})
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(413, "too_large", "The delivery is larger than this server accepts.")
    # Django's headers are case-insensitive, as HTTP's are: the adapter may ask for "x-signature" or "X-Signature".
    updates = _read(code, request.headers, body)
    if isinstance(updates, JsonResponse):
        return updates
    applied = stored = unknown = 0
    try:
        for update in updates:
            label_id = (
                Label.objects.filter(tracking_number=update.tracking_number, carrier=code)
                .values_list("pk", flat=True)
                .first()
            )
            if label_id is None:
                unknown += 1
                logger.info("carrier webhook for %s: tracking number %s is not ours", code, update.tracking_number)
                continue
            result = label_tracking_apply(label_id=label_id, events=update.events, source=TrackingSource.WEBHOOK)
            applied += 1
            stored += result.stored
    except DatabaseError:
        logger.exception("carrier webhook for %s could not be stored", code)
        response = _error(503, "unavailable", "The delivery could not be stored; send it again.")
        response["Retry-After"] = "30"
        return response
    return JsonResponse({"status": "ok", "parcels": applied, "events_stored": stored, "unknown": unknown})
