"""A WooCommerce REST v3 order (as its webhooks and ``GET /orders`` send it) read as an ``OrderData``.

Field meanings from woocommerce/woocommerce-rest-api-docs ``source/includes/wp-api-v3/_orders.md`` and the
order controller (``class-wc-rest-orders-v2-controller.php``, ``get_order_item_data``): money is a string with
the shop's decimals; ``total``/``total_tax`` of a line are after discounts (``subtotal`` before them), ``total``
excludes tax; ``*_gmt`` dates are naive ISO 8601 in UTC; line ``meta_data`` carries the variation attributes with
``display_key``/``display_value``; a refund's own lines name the line they refund in ``_refunded_item_id``.
The documented examples (``Retrieve an order``, ``List all orders``) also show: line names with HTML entities
(``Ship Your Idea &ndash; Color: Black``), ``sku`` ``""``, ``price`` as a number, attributes in ``meta_data`` as a
bare ``key``/``value`` (``pa_color``: ``black``), guest orders (``customer_id`` 0), ``date_completed_gmt`` null.
PHP encodes an empty object as ``[]``: ``billing``/``shipping`` may be a list.
"""

import html
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from rma.connectors.platforms.base import MappingError, OrderData, OrderLineData

CENT = Decimal("0.01")
# Orders not paid (yet): nothing can be returned from them; their later update (paid) brings them in.
NOT_PAID = frozenset({"pending", "failed", "checkout-draft", "draft", "auto-draft", "trash"})
CANCELLED = frozenset({"cancelled"})
# The meta key WooCommerce gives the line a refund line refunds.
REFUNDED_ITEM_KEY = "_refunded_item_id"
# Our refunds carry our refund's id under this key (rma.connectors.platforms.woocommerce.money).
OUR_REFUND_KEY = "_rma_refund_id"
SIZE_NAMES = ("size", "taille", "größe", "talla", "taglia")
COLOUR_NAMES = ("colour", "color", "couleur", "farbe", "colore")


def gmt(value: Any, field: str, *, required: bool = False) -> datetime | None:
    """A ``*_gmt`` date of the API (naive, UTC) as an aware datetime."""
    if value in (None, ""):
        if required:
            raise MappingError(f"{field} is missing.")
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise MappingError(f"{field} is not an ISO 8601 date: {value!r}.") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def quantity_of(value: Any, field: str) -> int:
    """A quantity: an integer, or its text (``"2"``, ``"2.0"``)."""
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation as exc:
        raise MappingError(f"{field} is not a quantity: {value!r}.") from exc
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise MappingError(f"{field} is not a quantity: {value!r}.")
    return int(amount)


def text(value: Any) -> str:
    """A name as the API gives it, HTML entities decoded (WordPress stores ``&ndash;``, ``&amp;``)."""
    return html.unescape(str(value or "")).strip()


def money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation as exc:
        raise MappingError(f"{field} is not an amount: {value!r}.") from exc
    if not amount.is_finite():
        raise MappingError(f"{field} is not an amount: {value!r}.")
    return amount


def _attribute(meta_data: Any, names: tuple[str, ...]) -> str:
    """The value of the variation attribute called one of `names` (``pa_size`` or ``Size``) in a line's meta."""
    for meta in meta_data if isinstance(meta_data, list) else []:
        if not isinstance(meta, dict):
            continue
        key = str(meta.get("key") or "")
        if key.startswith("_"):
            continue
        labels = {key.lower().removeprefix("attribute_").removeprefix("pa_"), str(meta.get("display_key", "")).lower()}
        if labels & set(names):
            return text(meta.get("display_value") or meta.get("value"))
    return ""


def attribute_names(options: dict[str, Any], option: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """Attribute names from a connection option (a list), lower-cased, or the defaults."""
    names = options.get(option)
    if isinstance(names, list) and names:
        return tuple(str(name).lower().removeprefix("pa_") for name in names)
    return default


def refunded_quantities(refunds: list[dict[str, Any]], *, lines: list[dict[str, Any]]) -> dict[str, int]:
    """Units of each order line refunded in the shop (GET orders/<id>/refunds), our own refunds left out: their
    units are already in our returns and must stay returnable there."""
    by_product = {(line.get("product_id"), line.get("variation_id")): str(line.get("id")) for line in lines}
    refunded: dict[str, int] = {}
    for refund in refunds:
        if not isinstance(refund, dict) or _is_ours(refund):
            continue
        for item in refund.get("line_items") or []:
            line_ref = _refunded_line(item, by_product)
            if line_ref:
                refunded[line_ref] = refunded.get(line_ref, 0) + abs(int(item.get("quantity") or 0))
    return refunded


def _is_ours(refund: dict[str, Any]) -> bool:
    return any(
        isinstance(meta, dict) and meta.get("key") == OUR_REFUND_KEY and meta.get("value")
        for meta in refund.get("meta_data") or []
    )


def _refunded_line(item: dict[str, Any], by_product: dict[tuple[Any, Any], str]) -> str:
    for meta in item.get("meta_data") or []:
        if isinstance(meta, dict) and meta.get("key") == REFUNDED_ITEM_KEY and meta.get("value"):
            return str(meta["value"])
    # Older stores do not expose the internal meta: the product and variation name the line.
    return by_product.get((item.get("product_id"), item.get("variation_id")), "")


def order_map(
    payload: Any,
    *,
    options: dict[str, Any],
    refunded: dict[str, int] | None = None,
    categories: dict[str, str] | None = None,
    weights: dict[str, int] | None = None,
) -> OrderData:
    """The order in `payload`. `refunded`: units refunded per line id; `categories`: category per product id;
    `weights`: grams per unit by ``line_key`` (the variation's own when the line names one)."""
    if not isinstance(payload, dict) or not payload.get("id"):
        raise MappingError("An order must be an object with an id.")
    billing = payload.get("billing") or {}  # [] when empty (PHP)
    shipping = payload.get("shipping") or {}
    if not isinstance(billing, dict) or not isinstance(shipping, dict):
        raise MappingError(f"Order {payload['id']}: billing and shipping must be objects.")
    email = str(billing.get("email") or "").strip()
    if not email:
        raise MappingError(f"Order {payload['id']} has no billing email.")
    raw_lines = payload.get("line_items")
    if not isinstance(raw_lines, list):
        raise MappingError(f"Order {payload['id']}: line_items must be a list.")
    sizes = attribute_names(options, "size_attributes", SIZE_NAMES)
    colours = attribute_names(options, "colour_attributes", COLOUR_NAMES)
    refunded = refunded or {}
    categories = categories or {}
    weights = weights or {}
    lines, extra_lines = [], {}
    for raw in raw_lines:
        if not isinstance(raw, dict) or not raw.get("id"):
            raise MappingError(f"Order {payload['id']}: every line item needs an id.")
        line_ref = str(raw["id"])
        quantity = quantity_of(raw.get("quantity"), f"line {line_ref} quantity")
        if quantity < 1:
            continue
        total = money(raw.get("total"), f"line {line_ref} total")
        total_tax = money(raw.get("total_tax"), f"line {line_ref} total_tax")
        product_id = int(raw.get("product_id") or 0)
        variation_id = int(raw.get("variation_id") or 0)
        lines.append(
            OrderLineData(
                line_ref=line_ref,
                sku=str(raw.get("sku") or "").strip(),
                name=text(raw.get("name")) or str(raw.get("sku") or line_ref),
                quantity=quantity,
                unit_price=((total + total_tax) / quantity).quantize(CENT, ROUND_HALF_UP),
                unit_tax=(total_tax / quantity).quantize(CENT, ROUND_HALF_UP),
                product_ref=str(product_id) if product_id else "",
                variant_ref=str(variation_id) if variation_id else "",
                category=categories.get(str(product_id), ""),
                size=_attribute(raw.get("meta_data"), sizes),
                colour=_attribute(raw.get("meta_data"), colours),
                refunded_quantity=min(quantity, refunded.get(line_ref, 0)),
                unit_weight_g=weights.get(line_key(str(product_id), str(variation_id) if variation_id else "")),
            )
        )
        # What a refund of this line needs: its tax per rate (refunds name the rates they give back).
        extra_lines[line_ref] = {
            "quantity": quantity,
            "total": str(total),
            "total_tax": str(total_tax),
            "taxes": {
                str(tax.get("id")): str(money(tax.get("total"), f"line {line_ref} tax"))
                for tax in raw.get("taxes") or []
                if isinstance(tax, dict) and tax.get("id") is not None
            },
        }
    address = shipping if shipping.get("address_1") else billing
    # A guest order may carry the name on the shipping address only.
    who = billing if billing.get("first_name") or billing.get("last_name") else shipping
    name = " ".join(str(part).strip() for part in (who.get("first_name"), who.get("last_name")) if part)
    return OrderData(
        order_ref=str(payload["id"]),
        number=str(payload.get("number") or payload["id"]),
        # date_created (the site's time) only when the GMT one is missing: off by the site's offset at worst.
        placed_at=gmt(  # type: ignore[arg-type]
            payload.get("date_created_gmt") or payload.get("date_created"), "date_created_gmt", required=True
        ),
        updated_at=gmt(payload.get("date_modified_gmt") or payload.get("date_modified"), "date_modified_gmt"),
        customer_email=email,
        customer_name=name.strip(),
        customer_phone=str(billing.get("phone") or ""),
        currency=str(payload.get("currency") or "EUR"),
        lines=lines,
        address_line1=str(address.get("address_1") or ""),
        address_line2=str(address.get("address_2") or ""),
        postcode=str(address.get("postcode") or ""),
        city=str(address.get("city") or ""),
        country=str(address.get("country") or ""),
        # WooCommerce has no delivery event: an order is "completed" when the shop has fulfilled it.
        delivered_at=gmt(payload.get("date_completed_gmt") or payload.get("date_completed"), "date_completed_gmt"),
        cancelled=payload.get("status") in CANCELLED,
        # The gateway: WooCommerce's own offline ones cannot refund through their API (see money.MANUAL_GATEWAYS).
        extra={"lines": extra_lines, "payment_method": str(payload.get("payment_method") or "")},
    )


def line_key(product_id: str, variation_id: str) -> str:
    """The key of a product (variation "") or of one of its variations in a catalogue."""
    return f"{product_id}:{variation_id or 0}"


def product_ids(payload: dict[str, Any]) -> list[str]:
    """The product ids of an order's lines (for their categories)."""
    ids = {str(line.get("product_id")) for line in payload.get("line_items") or [] if isinstance(line, dict)}
    return sorted(ident for ident in ids if ident not in ("", "0", "None"))


def category_of(product: dict[str, Any], category_map: Any) -> str:
    """The category of a product: the first of its categories the connection maps, else its first one."""
    names = [text(c.get("name")) for c in product.get("categories") or [] if isinstance(c, dict)]
    slugs = [str(c.get("slug") or "") for c in product.get("categories") or [] if isinstance(c, dict)]
    if isinstance(category_map, dict):
        for name in names + slugs:
            if name in category_map:
                return name
    return names[0] if names else ""


def in_stock(item: dict[str, Any]) -> bool:
    """Available from real stock: in stock, and some left when the shop counts it (a backorder is not stock)."""
    if item.get("stock_status") != "instock" or item.get("purchasable") is False:
        return False
    if item.get("manage_stock") is True and item.get("stock_quantity") is not None:
        try:
            return Decimal(str(item["stock_quantity"])) > 0
        except InvalidOperation:
            return False
    return True


def variant_price(value: Any) -> Decimal | None:
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return price.quantize(Decimal("0.01")) if price.is_finite() and price >= 0 else None
