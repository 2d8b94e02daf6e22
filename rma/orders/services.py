"""Orders come from the shop: upserted by external id, so that sending one twice changes nothing."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from rma.core.exceptions import DomainError
from rma.core.services import rows_upsert_newest
from rma.orders.choices import Category, Channel, NonReturnableReason
from rma.orders.customer_keys import order_contact_keys
from rma.orders.models import Order, OrderLine, ProductVariant

ORDER_FIELDS = (
    "number",
    "channel",
    "store_code",
    "customer_email",
    "customer_name",
    "customer_phone",
    "locale",
    "currency",
    "placed_at",
    "delivered_at",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "country",
    "latitude",
    "longitude",
)
LINE_FIELDS = (
    "sku",
    "product_ref",
    "variant_ref",
    "name",
    "category",
    "size",
    "colour",
    "quantity",
    "unit_price",
    "unit_tax",
    "non_returnable_reason",
    "has_serial_number",
    "unit_weight_g",
)
# What the product variants keep of a line (rma.orders.models.ProductVariant).
VARIANT_FIELDS = frozenset(("sku", "product_ref", "size", "colour", "unit_weight_g"))
# Grams: far above any unit a return carries; a larger figure is a typing error (kilograms in another unit…).
MAX_UNIT_WEIGHT_G = 1_000_000


@dataclass(frozen=True)
class UpsertResult:
    order: Order
    outcome: str  # "created", "updated" or "unchanged"


class OrderDataError(DomainError):
    code = "invalid_order"


class OrderConflict(OrderDataError):
    """A well-formed order that the orders already stored refuse: its number is another order's, or it drops or
    shrinks a line that is being returned. The payload is valid; the state is what conflicts (409)."""

    code = "order_conflict"
    http_status = 409


def _datetime(value: object, field: str, *, required: bool) -> datetime | None:
    if value in (None, ""):
        if required:
            raise OrderDataError(f"{field} is required.", extra={field: "required"})
        return None
    parsed: datetime | None
    if isinstance(value, datetime):  # already parsed (the API's serializer)
        parsed = value
    else:
        try:
            parsed = parse_datetime(str(value))
        except ValueError:  # well-formed but impossible, such as 30 February
            parsed = None
    if parsed is None:
        raise OrderDataError(f"{field} is not a date-time: {value!r}.", extra={field: "invalid"})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def _weight(value: object, index: int) -> int | None:
    """An optional weight per unit in whole grams (a number or its text); None when not given."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        amount = Decimal(str(value).strip())
        if not amount.is_finite() or amount != amount.to_integral_value():
            raise ValueError
    except (ValueError, InvalidOperation) as exc:
        raise OrderDataError(
            f"Line {index + 1}: unit_weight_g must be a whole number of grams, not {value!r}.",
            extra={"unit_weight_g": "invalid"},
        ) from exc
    if not 1 <= amount <= MAX_UNIT_WEIGHT_G:
        raise OrderDataError(
            f"Line {index + 1}: unit_weight_g must be between 1 and {MAX_UNIT_WEIGHT_G:,} grams, not {value!r}.",
            extra={"unit_weight_g": "invalid"},
        )
    return int(amount)


def _normalise_line(raw: dict[str, Any], index: int) -> dict[str, Any]:
    try:
        quantity = int(raw.get("quantity", 0))
        unit_price = Decimal(str(raw.get("unit_price", ""))).quantize(Decimal("0.01"))
        unit_tax = Decimal(str(raw.get("unit_tax") or 0)).quantize(Decimal("0.01"))
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise OrderDataError(f"Line {index + 1}: quantity and unit_price must be numbers.") from exc
    if quantity < 1 or unit_price < 0:
        raise OrderDataError(f"Line {index + 1}: quantity must be at least 1 and unit_price not negative.")
    if not unit_price.is_finite() or not Decimal(0) <= unit_tax <= unit_price:
        raise OrderDataError(f"Line {index + 1}: unit_tax must be between 0 and the unit price.")
    reason = raw.get("non_returnable_reason") or ""
    if not reason and (
        raw.get("final_sale") in (True, "true", "1", 1) or raw.get("returnable") in (False, "false", "0", 0)
    ):
        reason = NonReturnableReason.FINAL_SALE
    if reason and reason not in NonReturnableReason.values:
        raise OrderDataError(f"Line {index + 1}: unknown non_returnable_reason {reason!r}.")
    category = (raw.get("category") or Category.OTHER).lower()
    if category not in Category.values:
        category = Category.OTHER
    external_id = str(raw.get("external_id") or raw.get("line_id") or raw.get("sku") or "").strip()
    if not external_id or not str(raw.get("sku") or "").strip():
        raise OrderDataError(f"Line {index + 1}: sku is required.")
    return {
        "external_id": external_id,
        "sku": str(raw["sku"]).strip(),
        "product_ref": str(raw.get("product_ref") or "").strip(),
        "variant_ref": str(raw.get("variant_ref") or "").strip()[:64],
        "name": str(raw.get("name") or raw["sku"]).strip()[:200],
        "category": category,
        "size": str(raw.get("size") or "")[:16],
        "colour": str(raw.get("colour") or raw.get("color") or "")[:32],
        "quantity": quantity,
        "unit_price": unit_price,
        "unit_tax": unit_tax,
        "non_returnable_reason": reason,
        "has_serial_number": raw.get("has_serial_number") in (True, "true", "1", 1),
        "unit_weight_g": _weight(raw.get("unit_weight_g"), index),
    }


def order_normalise(*, data: dict[str, Any]) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """Check and clean an order payload; raise OrderDataError with a readable message."""
    if not isinstance(data, dict):
        raise OrderDataError("An order must be an object.")
    external_id = str(data.get("external_id") or "").strip()
    if not external_id:
        raise OrderDataError("external_id is required.", extra={"external_id": "required"})
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines:
        raise OrderDataError("An order needs at least one line.", extra={"lines": "required"})
    channel = data.get("channel") or Channel.WEB
    if channel not in Channel.values:
        raise OrderDataError(f"Unknown channel {channel!r}.", extra={"channel": "invalid"})
    fields: dict[str, Any] = {
        "number": str(data.get("number") or "").strip(),
        "channel": channel,
        "store_code": str(data.get("store_code") or ""),
        "customer_email": str(data.get("customer_email") or "").strip().lower(),
        "customer_name": str(data.get("customer_name") or "")[:200],
        "customer_phone": str(data.get("customer_phone") or "")[:32],
        "locale": (data.get("locale") or "fr")[:8],
        "currency": (data.get("currency") or "EUR").upper()[:3],
        "placed_at": _datetime(data.get("placed_at"), "placed_at", required=True),
        "delivered_at": _datetime(data.get("delivered_at"), "delivered_at", required=False),
    }
    address = data.get("address") or data
    if not isinstance(address, dict):
        raise OrderDataError("address must be an object.", extra={"address": "invalid"})
    for name in ("locale", "currency", "channel"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise OrderDataError(f"{name} must be a string.", extra={name: "invalid"})
    for name in ("address_line1", "address_line2", "postcode", "city", "country", "latitude", "longitude"):
        fields[name] = address.get(name, "" if name not in ("latitude", "longitude") else None)
    fields["country"] = (fields["country"] or "FR").upper()[:2]
    for name in ("latitude", "longitude"):
        if fields[name] in ("", None):
            fields[name] = None
        else:
            try:
                fields[name] = float(fields[name])
            except (TypeError, ValueError) as exc:
                raise OrderDataError(f"{name} must be a number.") from exc
    fields.update(
        order_contact_keys(
            customer_phone=fields["customer_phone"],
            address_line1=str(fields["address_line1"] or ""),
            postcode=str(fields["postcode"] or ""),
        )
    )
    if not fields["number"]:
        raise OrderDataError("number is required.", extra={"number": "required"})
    if not fields["customer_email"] or "@" not in fields["customer_email"]:
        raise OrderDataError("customer_email must be an email address.", extra={"customer_email": "invalid"})
    normalised_lines = [_normalise_line(raw, i) for i, raw in enumerate(lines) if isinstance(raw, dict)]
    if len(normalised_lines) != len(lines):
        raise OrderDataError("Every line must be an object.")
    if len({line["external_id"] for line in normalised_lines}) != len(normalised_lines):
        raise OrderDataError("Line ids (external_id, or sku when absent) must be unique within an order.")
    return external_id, fields, normalised_lines


@transaction.atomic
def order_upsert(*, data: dict[str, Any]) -> UpsertResult:
    """Create or update an order and its lines from the shop's payload; the same payload twice changes nothing."""
    external_id, fields, lines = order_normalise(data=data)
    order = Order.objects.select_for_update().filter(external_id=external_id).first()
    outcome = "unchanged"
    placed_moved = False
    if order is None:
        if Order.objects.filter(number=fields["number"]).exists():
            raise OrderConflict(f"Order number {fields['number']} belongs to another external id.")
        order = Order(external_id=external_id, **fields)
        _full_clean(order)
        order.save()
        outcome = "created"
    else:
        changed = [name for name, value in fields.items() if getattr(order, name) != value]
        if changed:
            for name in changed:
                setattr(order, name, fields[name])
            _full_clean(order)
            order.save(update_fields=[*changed, "updated_at"])
            outcome = "updated"
            placed_moved = "placed_at" in changed

    existing = {line.external_id: line for line in order.lines.all()} if outcome != "created" else {}
    # Every line tells of its SKU when the order is new or its date moved; otherwise the new and changed ones.
    sold: list[OrderLine] = []
    added: list[OrderLine] = []
    updated: list[OrderLine] = []
    updated_fields: set[str] = set()
    all_sold = outcome == "created" or placed_moved
    now = timezone.now()
    for line_data in lines:
        line = existing.pop(line_data["external_id"], None)
        if line is None:
            line = OrderLine(order=order, **line_data)
            _full_clean(line, exclude=["order"])
            added.append(line)
            sold.append(line)
            continue
        if line_data["unit_weight_g"] is None:  # not told this time (a shop that did not answer): kept as known
            line_data["unit_weight_g"] = line.unit_weight_g
        changed = [name for name in LINE_FIELDS if getattr(line, name) != line_data[name]]
        if all_sold or VARIANT_FIELDS.intersection(changed):
            sold.append(line)
        if changed:
            if "quantity" in changed and line_data["quantity"] < line.quantity_in_returns:
                raise OrderConflict(f"Line {line.external_id}: quantity is below what is already being returned.")
            for name in changed:
                setattr(line, name, line_data[name])
            _full_clean(line, exclude=["order"])
            line.updated_at = now
            updated.append(line)
            updated_fields.update(changed)
    # However many lines: the new ones in one INSERT, the changed ones in one UPDATE (each line's own values for the
    # fields any of them changed), the removed ones checked and deleted together.
    OrderLine.objects.bulk_create(added)
    if updated:
        OrderLine.objects.bulk_update(updated, [*sorted(updated_fields), "updated_at"])
    _lines_remove(stale=list(existing.values()))
    if outcome == "unchanged" and (added or updated or existing):
        outcome = "updated"
    product_variants_record(lines=sold)
    return UpsertResult(order=order, outcome=outcome)


def _lines_remove(*, stale: list[OrderLine]) -> None:
    """Delete the lines the shop no longer sends, unless one of them is part of a return (then none is)."""
    if not stale:
        return
    by_pk = {line.pk: line for line in stale}
    try:
        OrderLine.objects.filter(pk__in=by_pk).delete()
    except ProtectedError as exc:  # a return line holds one of them (its order_line is PROTECT)
        held = min(return_line.serializable_value("order_line") for return_line in exc.protected_objects)
        raise OrderConflict(f"Line {by_pk[held].external_id} cannot be removed: it is part of a return.") from exc


def product_variants_record(*, lines: list[OrderLine]) -> None:
    """Keep the product variants up to date with these lines (each with its order): the latest sale of a SKU says
    its product, size, colour and weight; a blank value keeps what an earlier sale said. One statement for all the
    lines."""
    rows = [
        {
            "sku": line.sku,
            "product_ref": line.product_ref,
            "size": line.size,
            "colour": line.colour,
            "weight_g": line.unit_weight_g,
            "last_sold_at": line.order.placed_at,
        }
        for line in lines
    ]
    rows_upsert_newest(model=ProductVariant, rows=rows, unique=("sku",), newest_by="last_sold_at")


def _full_clean(instance: Order | OrderLine, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise OrderDataError("The order is not valid.", extra=exc.message_dict) from exc


def order_delivered_record(*, order: Order, delivered_at: datetime) -> bool:
    """Record that the order reached the customer at `delivered_at` (the return window counts from it).

    A later delivery of the same order (a second parcel) moves the date on; an earlier one changes nothing.
    True when the date changed.
    """
    if timezone.is_naive(delivered_at):
        delivered_at = timezone.make_aware(delivered_at, timezone.get_default_timezone())
    changed = (
        Order.objects.filter(pk=order.pk)
        .filter(models.Q(delivered_at__isnull=True) | models.Q(delivered_at__lt=delivered_at))
        .update(delivered_at=delivered_at, updated_at=timezone.now())
    )
    if changed:
        order.delivered_at = delivered_at
    return bool(changed)
