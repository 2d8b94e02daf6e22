"""What we send WooCommerce to refund a return, or to give its store credit: plain payload building, no HTTP.

Refunds (``POST orders/<id>/refunds``, woocommerce/woocommerce ``Version3/class-wc-rest-order-refunds-controller.php``
and ``src/Internal/RestApiUtil.php``): ``amount`` (what the gateway gives back), ``reason``, ``api_refund`` (ask
the payment gateway), ``api_restock``, ``line_items`` ``[{id, quantity, refund_total (tax excluded), refund_tax:
[{id: tax rate id, refund_total}]}]``, ``meta_data``. ``wc_create_refund`` restocks, when ``api_restock`` is true,
the refunded ``quantity`` of every line of the refund: restocking is per refund, not per line. So when only some
units go back on sale, the refund is made as two WooCommerce refunds of the same order: the units to restock
(``api_restock`` true) and the others (false), each marked with our refund's id and its part; together they give
back exactly our amount. When every unit (or none) is restocked it is one refund.

Store credit (``POST coupons``, ``_coupons.md``): WooCommerce core has no gift card with a balance; the credit is a
``fixed_cart`` coupon for its amount, usable once (``usage_limit`` 1), by the customer's email only.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from rma.connectors.platforms.base import CreditOrder, RefundOrder
from rma.connectors.platforms.woocommerce.mapping import OUR_REFUND_KEY

CENT = Decimal("0.01")
# WooCommerce core's offline gateways (``WC_Gateway_BACS``, ``_Cheque``, ``_COD``: ``supports`` has no "refunds"):
# asking them for an API refund fails ("The payment gateway for this order does not support automatic refunds").
# Such a refund is recorded (and restocks) in WooCommerce, and the shop pays the customer back itself.
MANUAL_GATEWAYS = frozenset({"bacs", "cheque", "cod"})
PART_KEY = "_rma_refund_part"
CREDIT_KEY = "_rma_store_credit_id"
RESTOCKED, KEPT, WHOLE = "restocked", "kept", "whole"


@dataclass(frozen=True)
class _Units:
    line_ref: str
    quantity: int
    restock: bool
    gross: Decimal  # what these units were paid, taxes included


@dataclass(frozen=True)
class RefundPart:
    name: str  # RESTOCKED, KEPT or WHOLE
    restock: bool
    amount: Decimal
    lines: list[dict[str, Any]]


def _allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` split in cents in proportion to `weights` (largest remainders get the odd cents)."""
    whole = sum(weights, Decimal(0))
    if whole <= 0:
        return [Decimal("0.00") for _ in weights]
    raw = [total * weight / whole for weight in weights]
    shares = [value.quantize(CENT, ROUND_DOWN) for value in raw]
    left = int(((total - sum(shares, Decimal(0))) / CENT).to_integral_value(ROUND_HALF_UP))
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)[: max(left, 0)]:
        shares[index] += CENT
    return shares


def _line_item(line_ref: str, quantity: int, amount: Decimal, extra: dict[str, Any]) -> dict[str, Any]:
    """A refund line: `amount` (taxes included) split into the line's tax rates and the rest."""
    known = extra.get(line_ref) or {}
    line_total = Decimal(str(known.get("total") or 0))
    line_tax = Decimal(str(known.get("total_tax") or 0))
    rates = {rate: Decimal(str(value)) for rate, value in (known.get("taxes") or {}).items()}
    taxes: list[dict[str, Any]] = []
    paid = line_total + line_tax
    if line_tax > 0 and paid > 0 and rates:
        tax = (amount * line_tax / paid).quantize(CENT, ROUND_HALF_UP)
        shares = _allocate(tax, list(rates.values()))
        taxes = [
            {"id": rate, "refund_total": str(share)} for rate, share in zip(rates, shares, strict=True) if share > 0
        ]
    refund_total = amount - sum((Decimal(t["refund_total"]) for t in taxes), Decimal(0))
    item: dict[str, Any] = {"id": line_ref, "quantity": quantity, "refund_total": str(refund_total)}
    if taxes:
        item["refund_tax"] = taxes
    return item


def _paid_for(line_ref: str, quantity: int, amount: Decimal, extra: dict[str, Any]) -> Decimal:
    """`amount` for `quantity` units of a line, no more than the shop took for them. Our unit price is rounded to
    the cent: 2 units paid 6.45 in all are worth 2 x 3.23 = 6.46 to us, and WooCommerce refuses a refund above
    what the order has left (an order without shipping, returned in full). Only that rounding is trimmed."""
    known = extra.get(line_ref) or {}
    bought = int(known.get("quantity") or 0)
    if bought <= 0 or quantity <= 0 or "total" not in known:
        return amount
    paid = (Decimal(str(known["total"])) + Decimal(str(known.get("total_tax") or 0))) * min(quantity, bought) / bought
    paid = paid.quantize(CENT, ROUND_HALF_UP)
    return paid if paid < amount <= paid + CENT * quantity else amount


def refund_parts(refund: RefundOrder) -> list[RefundPart]:
    """The WooCommerce refunds that make up `refund` (see the module doc): one, or two when only some units are
    restocked. Our amount (after deductions) is spread over the lines in proportion to what they were paid."""
    extra = refund.order_extra.get("lines") or {}
    units: list[_Units] = []
    ours = sum((line.amount for line in refund.lines), Decimal(0))
    for line in refund.lines:
        worth = _paid_for(line.line_ref, line.quantity, line.amount, extra)
        restocked = max(0, min(line.restock_quantity, line.quantity))
        for quantity, restock in ((restocked, True), (line.quantity - restocked, False)):
            if quantity > 0:
                gross = worth * quantity / line.quantity if line.quantity else Decimal(0)
                units.append(_Units(line.line_ref, quantity, restock, gross))
    gross = sum((u.gross for u in units), Decimal(0))
    # Deductions (grades, fees) lower what each line gives back; a refund above the lines gives the lines in full.
    shares = _allocate(min(refund.amount, gross), [u.gross for u in units]) if units else []
    groups = {
        flag: [(u, s) for u, s in zip(units, shares, strict=True) if u.restock is flag] for flag in (True, False)
    }
    present = [flag for flag in (True, False) if groups[flag]]
    parts = []
    for flag in present:
        name = WHOLE if len(present) == 1 else (RESTOCKED if flag else KEPT)
        amount = sum((share for _unit, share in groups[flag]), Decimal(0))
        parts.append(
            RefundPart(
                name=name,
                restock=flag,
                amount=amount,
                lines=[_line_item(u.line_ref, u.quantity, share, extra) for u, share in groups[flag]],
            )
        )
    if not parts:
        parts.append(RefundPart(name=WHOLE, restock=False, amount=refund.amount, lines=[]))
    elif refund.amount > ours:  # more than the lines (shipping given back too): on the last part, not on a line
        last = parts[-1]
        parts[-1] = RefundPart(last.name, last.restock, last.amount + refund.amount - ours, last.lines)
    return parts


def refund_payload(refund: RefundOrder, part: RefundPart, *, parts: int, api_refund: bool) -> dict[str, Any]:
    """The body of ``POST orders/<id>/refunds`` for one part of our refund."""
    label = f"Return {refund.rma_number}" if refund.rma_number else (refund.reason or "Return")
    suffix = f" ({part.name}, {parts} refunds)" if parts > 1 else ""
    return {
        "amount": str(part.amount),
        "reason": f"{label} [rma:{refund.reference}]{suffix}",
        "api_refund": bool(api_refund and part.amount > 0),
        "api_restock": part.restock,
        "line_items": part.lines,
        "meta_data": [{"key": OUR_REFUND_KEY, "value": refund.reference}, {"key": PART_KEY, "value": part.name}],
    }


def refund_part_of(existing: dict[str, Any], reference: str) -> str | None:
    """Which part of our refund `reference` a refund read from the shop is (None: not ours)."""
    meta = {m.get("key"): m.get("value") for m in existing.get("meta_data") or [] if isinstance(m, dict)}
    reason = str(existing.get("reason") or "")
    if meta.get(OUR_REFUND_KEY) != reference and f"[rma:{reference}]" not in reason:
        return None
    part = meta.get(PART_KEY)
    if part in (RESTOCKED, KEPT, WHOLE):
        return str(part)
    for name in (RESTOCKED, KEPT):
        if f"({name}," in reason:
            return name
    return WHOLE


def coupon_payload(credit: CreditOrder) -> dict[str, Any]:
    """The body of ``POST coupons`` for a store credit (see the module doc)."""
    body: dict[str, Any] = {
        "code": credit.code,
        "discount_type": "fixed_cart",
        "amount": str(credit.amount.quantize(CENT)),
        "description": f"Store credit for return {credit.rma_number} [rma:{credit.reference}]",
        "individual_use": False,
        "usage_limit": 1,
        "meta_data": [{"key": CREDIT_KEY, "value": credit.reference}],
    }
    if credit.customer_email:
        body["email_restrictions"] = [credit.customer_email]
    if credit.expires_at is not None:
        # An ISO 8601 date with its offset: WooCommerce reads it as that moment whatever the site's timezone.
        body["date_expires"] = credit.expires_at.isoformat(timespec="seconds")
    return body
