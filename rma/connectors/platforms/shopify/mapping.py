"""Shopify's order JSON (REST webhooks) and GraphQL order nodes (the Admin API), mapped to the same OrderData.

Both paths give the same facts for the same order: the numeric order id (``legacyResourceId`` in GraphQL) is the
``order_ref``, numeric line item ids are the ``line_ref``, the unit price is what the customer paid after every
discount, taxes included, and size and colour come from the variant title ("M / Navy") in both. REST line items
carry no product type: the connector reads the product types of a webhook's order from the API (``product_types``).
"""

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from rma.connectors.platforms.base import MappingError, OrderData, OrderLineData
from rma.connectors.platforms.weights import grams

CENT = Decimal("0.01")
SIZE_PATTERN = re.compile(r"^(X{0,3}S|M|X{0,4}L|\d{1,3}(?:[.,]5)?|(?:EU|UK|US|FR)\s?\d{1,3}|one size|unique)$", re.I)


def gid(kind: str, ref: object) -> str:
    """The GraphQL id of a numeric REST id ("gid://shopify/Order/123"); a GID is returned as it is."""
    text = str(ref)
    return text if text.startswith("gid://") else f"gid://shopify/{kind}/{text}"


def numeric_id(value: object) -> str:
    """The numeric id at the end of a GID ("gid://shopify/LineItem/12" -> "12"); a number as text."""
    text = str(value or "")
    return text.rsplit("/", 1)[-1]


def nodes_of(connection: object) -> list[dict[str, Any]]:
    """The objects of a GraphQL connection, read as ``nodes`` or as ``edges { node }`` (both are in the schema;
    Shopify's own examples use either)."""
    if not isinstance(connection, dict):
        return []
    if isinstance(connection.get("nodes"), list):
        return [node for node in connection["nodes"] if isinstance(node, dict)]
    edges = connection.get("edges")
    if not isinstance(edges, list):
        return []
    return [edge["node"] for edge in edges if isinstance(edge, dict) and isinstance(edge.get("node"), dict)]


def money(value: object, what: str) -> Decimal:
    try:
        return Decimal(str(value if value is not None else "0"))
    except InvalidOperation as exc:
        raise MappingError(f"{what} is not an amount: {value!r}") from exc


def moment(value: object, what: str) -> datetime:
    """An ISO 8601 date-time as Shopify writes them ("2021-12-31T19:00:00-05:00", "…Z", "….000Z"); one written
    without an offset is read as UTC (Shopify's own are always with one)."""
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"{what} is missing.")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise MappingError(f"{what} is not a date: {value!r}") from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def optional_moment(value: object, what: str) -> datetime | None:
    """A date-time that the order can do without: None when it is missing or unreadable."""
    try:
        return moment(value, what) if value else None
    except MappingError:
        return None


def first_moment(payload: Mapping[str, Any], *names: str) -> datetime:
    """The first of `names` that holds a date-time (the order's creation: created_at, else processed_at…)."""
    for name in names:
        if payload.get(name):
            return moment(payload.get(name), name)
    raise MappingError(f"{names[0]} is missing.")


def size_colour(variant_title: str | None) -> tuple[str, str]:
    """Size and colour from a variant title such as "M / Navy" or "Navy / 42"."""
    size, colour = "", ""
    for part in (p.strip() for p in (variant_title or "").split("/")):
        if not part or part.lower() == "default title":
            continue
        if not size and SIZE_PATTERN.match(part):
            size = part
        elif not colour:
            colour = part
    return size, colour


def unit_amounts(
    *, price: Decimal, discount: Decimal, taxes: Decimal, quantity: int, taxes_included: bool
) -> tuple[Decimal, Decimal]:
    """(unit price paid after discounts, taxes included; unit tax) of a line."""
    if quantity < 1:
        raise MappingError(f"A line has quantity {quantity}.")
    unit_tax = taxes / quantity
    paid = price - discount / quantity + (Decimal(0) if taxes_included else unit_tax)
    return paid.quantize(CENT, ROUND_HALF_UP), unit_tax.quantize(CENT, ROUND_HALF_UP)


# What the note of every refund we create in Shopify carries (money.refund_note).
OUR_REFUND_MARK = "(RMA refund "


def _text(value: object) -> str:
    return str(value) if value is not None else ""


def _refunded(refunds: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Units refunded in the shop per line ref, from REST refunds (refund_line_items) or GraphQL ones
    (refundLineItems). Our own refunds (their note names our refund) are left out: their units are in our returns."""
    totals: dict[str, int] = {}
    for refund in refunds:
        if OUR_REFUND_MARK in str(refund.get("note") or ""):
            continue
        if "refund_line_items" in refund:
            items = [(item.get("line_item_id"), item.get("quantity")) for item in refund["refund_line_items"] or []]
        else:
            nodes = nodes_of(refund.get("refundLineItems"))
            items = [((item.get("lineItem") or {}).get("id"), item.get("quantity")) for item in nodes]
        for line_id, quantity in items:
            ref = numeric_id(line_id)
            totals[ref] = totals.get(ref, 0) + int(quantity or 0)
    return totals


def _address(address: Mapping[str, Any] | None) -> dict[str, Any]:
    address = address or {}
    return {
        "address_line1": _text(address.get("address1"))[:200],
        "address_line2": _text(address.get("address2"))[:200],
        "postcode": _text(address.get("zip"))[:20],
        "city": _text(address.get("city"))[:100],
        "country": _text(address.get("country_code") or address.get("countryCodeV2"))[:2].upper(),
    }


def _name(*candidates: Mapping[str, Any] | None) -> str:
    for candidate in candidates:
        if not candidate:
            continue
        first = candidate.get("first_name", candidate.get("firstName"))
        last = candidate.get("last_name", candidate.get("lastName"))
        name = " ".join(part for part in (_text(first), _text(last)) if part) or _text(candidate.get("name"))
        if name:
            return name[:200]
    return ""


def rest_product_ids(payload: Any) -> list[str]:
    """The product ids of a REST order's lines (to read their product types)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("line_items"), list):
        return []
    return sorted({str(item["product_id"]) for item in payload["line_items"] if item.get("product_id")})


def rest_order(payload: Any, product_types: Mapping[str, str] | None = None) -> OrderData:
    """An order as Shopify's webhooks send it (the REST Order resource); `product_types`: by product id."""
    if not isinstance(payload, dict) or not payload.get("id") or not isinstance(payload.get("line_items"), list):
        raise MappingError("Not a Shopify order: id or line_items is missing.")
    order_ref = str(payload["id"])
    taxes_included = bool(payload.get("taxes_included"))
    refunded = _refunded(payload.get("refunds") or [])
    lines = []
    for item in payload["line_items"]:
        if not isinstance(item, dict):
            raise MappingError(f"Order {order_ref}: a line item is not an object.")
        quantity = int(item.get("quantity") or 0)
        if quantity < 1:  # nothing left on it to return
            continue
        price, tax = unit_amounts(
            price=money(item.get("price"), "price"),
            discount=sum(
                (money(a.get("amount"), "discount") for a in item.get("discount_allocations") or []), Decimal(0)
            ),
            taxes=sum((money(t.get("price"), "tax") for t in item.get("tax_lines") or []), Decimal(0)),
            quantity=quantity,
            taxes_included=taxes_included,
        )
        size, colour = size_colour(item.get("variant_title"))
        line_ref = str(item.get("id") or "")
        if not line_ref:
            raise MappingError(f"Order {order_ref}: a line item has no id.")
        lines.append(
            OrderLineData(
                line_ref=line_ref,
                sku=_text(item.get("sku")),
                name=_text(item.get("name") or item.get("title")),
                quantity=quantity,
                unit_price=price,
                unit_tax=tax,
                product_ref=_text(item.get("product_id")),
                variant_ref=_text(item.get("variant_id")),
                category=_text(item.get("product_type") or (product_types or {}).get(_text(item.get("product_id")))),
                size=size,
                colour=colour,
                refunded_quantity=refunded.get(line_ref, 0),
                # The REST line item's weight per unit, in grams (0 for a product whose weight was never set).
                unit_weight_g=grams(item.get("grams"), "g"),
            )
        )
    shipping = payload.get("shipping_address") or payload.get("billing_address")
    customer = payload.get("customer") or {}
    return OrderData(
        order_ref=order_ref,
        number=_text(payload.get("name") or payload.get("order_number") or order_ref).lstrip("#"),
        placed_at=first_moment(payload, "created_at", "processed_at", "updated_at"),
        updated_at=optional_moment(payload.get("updated_at"), "updated_at"),
        customer_email=_text(payload.get("email") or payload.get("contact_email") or customer.get("email")),
        currency=_text(payload.get("currency") or payload.get("presentment_currency")),
        lines=lines,
        customer_name=_name(shipping, customer),
        customer_phone=_text(payload.get("phone") or (shipping or {}).get("phone") or customer.get("phone"))[:40],
        locale=_text(payload.get("customer_locale")),
        cancelled=bool(payload.get("cancelled_at")),
        delivered_at=_rest_delivered(payload.get("fulfillments")),
        extra=order_extra(order_ref, [line.line_ref for line in lines]),
        **_address(shipping),
    )


def _rest_delivered(fulfillments: object) -> datetime | None:
    """When the last fulfilment whose shipment status is "delivered" was (orders/fulfilled, orders/updated)."""
    found = [
        optional_moment(f.get("updated_at"), "updated_at")
        for f in (fulfillments if isinstance(fulfillments, list) else [])
        if isinstance(f, dict) and f.get("shipment_status") == "delivered"
    ]
    moments = [value for value in found if value is not None]
    return max(moments) if moments else None


def graphql_order(node: Any) -> OrderData:
    """An order node of the GraphQL Admin API, read with ORDER_FIELDS."""
    if not isinstance(node, dict) or not (node.get("legacyResourceId") or node.get("id")):
        raise MappingError("Not a Shopify order node: legacyResourceId and id are missing.")
    order_ref = str(node.get("legacyResourceId") or numeric_id(node["id"]))
    taxes_included = bool(node.get("taxesIncluded"))
    refunded = _refunded(node.get("refunds") or [])
    lines = []
    for item in nodes_of(node.get("lineItems")):
        quantity = int(item.get("quantity") or 0)
        if quantity < 1:  # as in rest_order
            continue
        # What was paid per unit after every discount; an answer that leaves it out falls back to the price
        # before order-level discounts, then to the original price (Shopify sends it: we ask for it).
        paid_set = (
            item.get("discountedUnitPriceAfterAllDiscountsSet")
            or item.get("discountedUnitPriceSet")
            or item.get("originalUnitPriceSet")
        )
        paid = money(_shop_money(paid_set), "discounted price")
        taxes = sum((money(_shop_money(t.get("priceSet")), "tax") for t in item.get("taxLines") or []), Decimal(0))
        price, tax = unit_amounts(
            price=paid, discount=Decimal(0), taxes=taxes, quantity=quantity, taxes_included=taxes_included
        )
        size, colour = size_colour(item.get("variantTitle"))
        product = item.get("product") or {}
        variant = item.get("variant") or {}
        lines.append(
            OrderLineData(
                line_ref=numeric_id(item.get("id")),
                sku=_text(item.get("sku")),
                name=_text(item.get("name") or item.get("title")),
                quantity=quantity,
                unit_price=price,
                unit_tax=tax,
                product_ref=numeric_id(product.get("id")),
                variant_ref=numeric_id(variant.get("id")),
                category=_text(product.get("productType")),
                size=size,
                colour=colour,
                refunded_quantity=refunded.get(numeric_id(item.get("id")), 0),
                unit_weight_g=variant_weight_g(variant),
            )
        )
    shipping = node.get("shippingAddress") or node.get("billingAddress")
    customer = node.get("customer") or {}
    delivered = [f.get("deliveredAt") for f in node.get("fulfillments") or [] if f.get("deliveredAt")]
    return OrderData(
        order_ref=order_ref,
        number=_text(node.get("name")).lstrip("#"),
        placed_at=moment(node.get("createdAt"), "createdAt"),
        updated_at=optional_moment(node.get("updatedAt"), "updatedAt"),
        customer_email=_text(node.get("email")),
        currency=_text(node.get("currencyCode")),
        lines=lines,
        customer_name=_name(shipping, customer),
        customer_phone=_text(node.get("phone") or (shipping or {}).get("phone"))[:40],
        locale=_text(node.get("customerLocale")),
        cancelled=bool(node.get("cancelledAt")),
        delivered_at=max(moment(value, "deliveredAt") for value in delivered) if delivered else None,
        extra=order_extra(order_ref, [line.line_ref for line in lines]),
        **_address(shipping),
    )


def variant_weight_g(variant: Mapping[str, Any]) -> int | None:
    """The weight of a variant node's unit in grams, from ``inventoryItem { measurement { weight { unit value } } }``
    (WeightUnit GRAMS, KILOGRAMS, OUNCES, POUNDS); None when the variant is gone or has no weight."""
    item = variant.get("inventoryItem") if isinstance(variant, Mapping) else None
    measurement = item.get("measurement") if isinstance(item, Mapping) else None
    weight = measurement.get("weight") if isinstance(measurement, Mapping) else None
    if not isinstance(weight, Mapping):
        return None
    return grams(weight.get("value"), weight.get("unit"))


def _shop_money(money_bag: Mapping[str, Any] | None) -> object:
    return ((money_bag or {}).get("shopMoney") or {}).get("amount")


def order_extra(order_ref: str, line_refs: list[str]) -> dict[str, Any]:
    """The GraphQL ids refunds need, kept with the order."""
    return {"order_gid": gid("Order", order_ref), "line_gids": {ref: gid("LineItem", ref) for ref in line_refs}}
