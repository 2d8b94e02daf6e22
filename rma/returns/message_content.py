"""What the messages about a return say: the links and the payload parts shared by its emails and webhooks."""

from decimal import Decimal
from typing import Any

from django.conf import settings

from rma.core.prefetched import prefetched_get
from rma.returns.models import ReturnLine, ReturnRequest
from rma.returns.reactions import facts


def return_tracking_url(*, return_request: ReturnRequest) -> str:
    """The customer's tracking page (rma.returns.urls "portal:tracking")."""
    return f"{settings.RMA_PUBLIC_BASE_URL.rstrip('/')}/r/{return_request.public_id}/"


def return_label_url(*, return_request: ReturnRequest) -> str:
    """The customer's label download (rma.shipping.urls "customer-label-pdf")."""
    return f"{settings.RMA_PUBLIC_BASE_URL.rstrip('/')}/r/{return_request.public_id}/label.pdf"


def payload_money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def payload_tracking_number(return_request: ReturnRequest) -> str | None:
    """The tracking number of the return's label, unless it was voided (provided by shipping)."""
    return facts.tracking_number(return_request)


def payload_refund(return_request: ReturnRequest) -> dict[str, str]:
    """The released refund (provided by the warehouse), else the estimate."""
    refund = facts.refund(return_request)
    if refund is None:
        return {
            "amount": payload_money(return_request.refund_estimate),
            "currency": return_request.currency,
            "method": "",
        }
    return {"amount": refund.amount, "currency": refund.currency, "method": refund.method}


def payload_drop_off(return_request: ReturnRequest) -> dict[str, Any]:
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


def payload_lines(return_request: ReturnRequest) -> list[dict[str, Any]]:
    # The lines the return holds loaded (a return just created keeps those it wrote, the label worker those it read
    # under its lock, with order line and reason), else read with what they show.
    lines = prefetched_get(instance=return_request, name="lines")
    if lines is None:
        lines = list(ReturnLine.objects.filter(return_request=return_request).select_related("order_line", "reason"))
    return [
        {
            "sku": line.order_line.sku,
            "name": line.order_line.name,
            "quantity": line.quantity,
            "reason": line.reason.code,
        }
        for line in sorted(lines, key=lambda line: line.pk)
    ]


def payload_common(return_request: ReturnRequest, to_status: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "event": f"return.{to_status}",
        "rma_number": return_request.rma_number,
        "public_id": str(return_request.public_id),
        "status": to_status,
        "order_number": return_request.order.number,
        "lines": lines,
        "drop_off": payload_drop_off(return_request),
    }


def payload_exchange_lines(return_request: ReturnRequest) -> list[dict[str, Any]]:
    """What the customer gets in exchange: each line's ``exchange_sku``; once the warehouse has requested the
    exchange from the shop (provided by the warehouse), only the lines and units it accepted."""
    lines = (
        ReturnLine.objects.filter(return_request=return_request)
        .exclude(exchange_sku="")
        .select_related("order_line")
        .order_by("id")
    )
    planned = [
        {
            "sku": line.exchange_sku,
            "quantity": line.quantity,
            "replaces_sku": line.order_line.sku,
            "name": line.order_line.name,
        }
        for line in lines
    ]
    requested = facts.exchange_lines(return_request)
    if requested is None:
        return planned
    names = {item["replaces_sku"]: item["name"] for item in planned}
    return [
        {
            "sku": str(item.get("sku", "")),
            "quantity": int(item.get("quantity", 0)),
            "replaces_sku": str(item.get("replaces_sku", "")),
            "name": names.get(item.get("replaces_sku"), ""),
        }
        for item in requested
    ]
