"""A platform's order events applied to our orders: the order upserted under an id namespaced by its connection,
its delivery date, the refunds made in the shop.

Used by the inbox (webhooks) and by the backfill alike, so that both give the same order for the same facts.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from rma.connectors.models import ShopConnection, ShopOrder, ShopSku
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import (
    MappingError,
    OrderData,
    OrderDelivered,
    OrderEvent,
    OrderLineData,
    OrderRefundedInShop,
)
from rma.core.reference_memo import ReferenceMemo
from rma.core.services import rows_upsert_newest
from rma.locations.models import Warehouse
from rma.locations.selectors import warehouses_active
from rma.orders.choices import Category, NonReturnableReason
from rma.orders.models import Order
from rma.orders.services import order_delivered_record, order_upsert
from rma.warehouse.models import Refund


class OrderNotYetKnown(Exception):
    """An event about an order that has not arrived yet (its creation is still on its way): try again later."""


@dataclass(frozen=True)
class Applied:
    outcome: str  # created, updated, unchanged, delivered, stale, own_refund, ignored
    order: Order | None = None


def order_external_id(*, connection: ShopConnection, order_ref: str) -> str:
    """Our external id of a platform order: the connection's name, a colon, the platform's id."""
    return f"{connection.name}:{order_ref}"


def _category(connection: ShopConnection, raw: str) -> str:
    mapping = connection.options.get("category_map") or {}
    value = mapping.get(raw) if isinstance(mapping, dict) else None
    if value is None:
        value = raw.strip().lower()
    return value if value in Category.values else Category.OTHER


def _line_payload(connection: ShopConnection, line: OrderLineData, *, cancelled: bool) -> dict[str, Any]:
    quantity = line.quantity - max(0, line.refunded_quantity)
    reason = NonReturnableReason.CANCELLED if cancelled else ""
    if quantity < 1:  # refunded in full in the shop: kept for the record, not returnable for money again
        quantity, reason = line.quantity, reason or NonReturnableReason.REFUNDED
    return {
        "external_id": line.line_ref,
        "sku": line.sku or line.variant_ref or line.line_ref,
        "product_ref": line.product_ref[:64],
        "variant_ref": line.variant_ref[:64],
        "name": line.name[:200],
        "category": _category(connection, line.category),
        "size": line.size[:16],
        "colour": line.colour[:32],
        "quantity": quantity,
        "unit_price": str(Decimal(line.unit_price).quantize(Decimal("0.01"))),
        "unit_tax": str(Decimal(line.unit_tax).quantize(Decimal("0.01"))),
        "non_returnable_reason": reason,
        "unit_weight_g": line.unit_weight_g,
    }


def order_payload(*, connection: ShopConnection, data: OrderData, delivered_at: Any = None) -> dict[str, Any]:
    """The order_upsert payload of a platform order (the delivery date already known is kept when it says none)."""
    if not data.lines:
        raise MappingError(f"Order {data.order_ref} has no line.")
    locale = data.locale or str(connection.options.get("locale") or "fr")
    return {
        "external_id": order_external_id(connection=connection, order_ref=data.order_ref),
        "number": f"{connection.order_number_prefix}{data.number}",
        "channel": connection.channel,
        "customer_email": data.customer_email,
        "customer_name": data.customer_name,
        "customer_phone": data.customer_phone,
        "locale": locale.split("-")[0].split("_")[0].lower()[:8],
        "currency": data.currency,
        "placed_at": data.placed_at,
        "delivered_at": data.delivered_at or delivered_at,
        "address": {
            "address_line1": data.address_line1,
            "address_line2": data.address_line2,
            "postcode": data.postcode,
            "city": data.city,
            "country": data.country or "FR",
        },
        "lines": [_line_payload(connection, line, cancelled=data.cancelled) for line in data.lines],
    }


@transaction.atomic
def order_data_apply(*, connection: ShopConnection, data: OrderData) -> Applied:
    """Upsert the order and its link; an update older than the one already applied changes nothing."""
    link = (
        ShopOrder.objects.select_for_update()
        .select_related("order")
        .filter(connection=connection, order_ref=data.order_ref)
        .first()
    )
    if (
        link is not None
        and data.updated_at is not None
        and link.platform_updated_at is not None
        and data.updated_at < link.platform_updated_at
    ):
        return Applied("stale", link.order)
    known_delivery = link.order.delivered_at if link is not None else None
    payload = order_payload(connection=connection, data=data, delivered_at=known_delivery)
    result = order_upsert(data=payload)
    if result.outcome != "unchanged" or link is None:
        shop_skus_record(connection=connection, sold_at=result.order.placed_at, lines=payload["lines"])
    if link is None:
        link = ShopOrder(connection=connection, order=result.order, order_ref=data.order_ref)
    link.platform_updated_at = data.updated_at or link.platform_updated_at
    link.extra = data.extra
    link.save()
    return Applied(result.outcome, result.order)


def shop_skus_record(*, connection: ShopConnection, sold_at: datetime, lines: Iterable[Mapping[str, Any]]) -> None:
    """Remember that the shop sold these lines' SKUs at `sold_at` (the order's date), with the platform's product and
    variant ids: the latest sale of a SKU names the platform its exchanges ask (rma.connectors.stock)."""
    rows = [
        {
            "connection_id": connection.pk,
            "sku": str(line["sku"]).strip(),
            "product_ref": str(line.get("product_ref") or "")[:64],
            "variant_ref": str(line.get("variant_ref") or "")[:64],
            "last_sold_at": sold_at,
        }
        for line in lines
    ]
    rows_upsert_newest(model=ShopSku, rows=rows, unique=("connection_id", "sku"), newest_by="last_sold_at")


def _linked_order(connection: ShopConnection, order_ref: str) -> Order:
    link = ShopOrder.objects.select_related("order").filter(connection=connection, order_ref=order_ref).first()
    if link is None:
        raise OrderNotYetKnown(f"Order {order_ref} is not known yet.")
    return link.order


def order_event_apply(*, connection: ShopConnection, event: OrderEvent) -> Applied:
    """Apply one event of the platform to our orders (see the module doc)."""
    if isinstance(event, OrderData):
        return order_data_apply(connection=connection, data=event)
    if isinstance(event, OrderDelivered):
        order = _linked_order(connection, event.order_ref)
        changed = order_delivered_record(order=order, delivered_at=event.delivered_at)
        return Applied("delivered" if changed else "unchanged", order)
    if isinstance(event, OrderRefundedInShop):
        if _own_refund(event):
            return Applied("own_refund", _linked_order(connection, event.order_ref))
        data = order_event_resolve(connection=connection, event=event)
        if not isinstance(data, OrderData):  # pragma: no cover - resolving a refund made in the shop reads the order
            raise MappingError(f"Order {event.order_ref} could not be read again.")
        return order_data_apply(connection=connection, data=data)
    raise MappingError(f"Unknown event {type(event).__name__}.")


def order_event_resolve(*, connection: ShopConnection, event: OrderEvent) -> OrderEvent:
    """What the event needs from the shop, asked before any transaction opens: a refund made in the shop itself is
    the order read again (it now tells how many units of each line were refunded); other events are as they are."""
    if not isinstance(event, OrderRefundedInShop) or _own_refund(event):
        return event
    _linked_order(connection, event.order_ref)
    data = connector_for(connection).order_fetch(order_ref=event.order_ref)
    if data is None:
        raise MappingError(f"Order {event.order_ref} can no longer be read from the shop.")
    return data


def _own_refund(event: OrderRefundedInShop) -> bool:
    return bool(event.reference) and Refund.objects.filter(public_id__in=_uuids(event.reference)).exists()


# The warehouse each shop connection names for its orders' returns, by connection; most name none. Kept in memory
# between requests (rma.core.reference_memo), so that creating a return asks which connection its order came from
# only when one could name a warehouse.
_connection_warehouses = ReferenceMemo(
    "connectors.connection_warehouses",
    lambda: dict(
        ShopConnection.objects.filter(default_warehouse__isnull=False).values_list("pk", "default_warehouse_id")
    ),
    models=[ShopConnection],
)


def order_connection_warehouse(order: Order) -> Warehouse | None:
    """The default warehouse of the shop connection `order` came from, if it names an active one."""
    named = _connection_warehouses.get()
    if not named:
        return None
    connection_id = ShopOrder.objects.filter(order=order).values_list("connection_id", flat=True).first()
    warehouse_id = named.get(connection_id) if connection_id is not None else None
    return next((warehouse for warehouse in warehouses_active() if warehouse.pk == warehouse_id), None)


def _uuids(text: str) -> list[str]:
    """The UUIDs written in a refund's note or metadata (ours carry our refund's public id)."""
    return re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text.lower())
