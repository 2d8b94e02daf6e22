"""The webhook endpoint of each shop connection: verify, store, answer; nothing else (see rma.connectors.inbox)."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from rma.connectors.inbox import SignatureInvalid, delivery_receive
from rma.connectors.models import ShopConnection
from rma.connectors.tasks import inbox_delivery_enqueue

logger = logging.getLogger(__name__)


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "detail": detail}}, status=status)


@csrf_exempt
@require_POST
def shop_webhook(request: HttpRequest, public_id: str) -> JsonResponse:
    """``POST /webhooks/shops/<connection>/``: 200 once the delivery is stored (or was already), 401 when its
    signature is missing or wrong (nothing stored), 404 for an unknown or disabled connection."""
    connection = ShopConnection.objects.filter(public_id=public_id, enabled=True).first()
    if connection is None:
        return _error(404, "not_found", "No enabled shop connection here.")
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(413, "too_large", "The delivery is larger than this server accepts.")
    try:
        received = delivery_receive(connection=connection, headers=request.headers, body=body)
    except SignatureInvalid:
        logger.warning("shop webhook for %s refused: bad or missing signature", connection.name)
        return _error(401, "invalid_signature", "The signature is missing or does not match the webhook secret.")
    except DatabaseError:
        logger.exception("shop webhook for %s could not be stored", connection.name)
        response = _error(503, "unavailable", "The delivery could not be stored; send it again.")
        response["Retry-After"] = "30"
        return response
    if received.delivery is None:
        return JsonResponse({"status": "ignored"})
    if received.created:
        inbox_delivery_enqueue(received.delivery.pk)
    return JsonResponse(
        {"status": "stored" if received.created else "duplicate", "delivery": received.delivery.delivery_id}
    )
