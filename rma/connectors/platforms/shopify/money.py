"""Money out in Shopify: a refund (``refundCreate``) and a store credit (``giftCardCreate``, or a one-use
``discountCodeBasicCreate`` code where the shop has no gift cards), each found by our reference before anything
is created, so that a retry never creates a second one.

- A refund carries our refund's public id in its ``note`` (and, from API version 2026-01, in the
  ``@idempotent(key:)`` directive Shopify itself dedupes on); the order's ``refunds`` are read (no search index:
  what was created a second ago is there). Each line is split into a ``RETURN`` part (the units the warehouse put
  back on sale, to the connection's location) and a ``NO_RESTOCK`` part. The money goes back through the order's
  successful sale/capture transactions (``parentId``), each up to what is left to refund on it.
- A gift card's code is our credit's code without its dashes (Shopify: 8 to 20 letters and digits). It is looked
  for with ``giftCards(query: code)``; a ``TAKEN`` answer (the search index lags behind a creation) counts as found.
"""

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rma.connectors.platforms.base import CreditOrder, PlatformError, PlatformRecord, RefundOrder
from rma.connectors.platforms.shopify.graphql import (
    GraphqlError,
    ShopifyGraphql,
    UserErrors,
    idempotent_directive_known,
    mutation_result,
)
from rma.connectors.platforms.shopify.mapping import OUR_REFUND_MARK, gid, money, nodes_of

ORDER_MONEY_QUERY = """
query RmaOrderMoney($id: ID!) {
  order(id: $id) {
    id currencyCode presentmentCurrencyCode
    refunds(first: 100) { id note }
    transactions(first: 100) {
      id kind status gateway
      amountSet { shopMoney { amount currencyCode } }
      parentTransaction { id }
    }
  }
}
"""

REFUND_CREATE = """
mutation RmaRefundCreate($input: RefundInput!) {
  refundCreate(input: $input) {
    refund { id note }
    userErrors { field message }
  }
}
"""
# From 2026-01, Shopify itself drops a repeated refundCreate carrying the same key (our refund's id).
REFUND_CREATE_IDEMPOTENT = """
mutation RmaRefundCreate($input: RefundInput!, $idempotencyKey: String!) {
  refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
    refund { id note }
    userErrors { field message }
  }
}
"""

ORDER_CUSTOMER_QUERY = """
query RmaOrderCustomer($id: ID!) {
  order(id: $id) { id customer { id } }
}
"""

GIFT_CARDS_QUERY = """
query RmaGiftCards($query: String!) {
  giftCards(first: 10, query: $query) { nodes { id lastCharacters note } }
}
"""

GIFT_CARD_CREATE = """
mutation RmaGiftCardCreate($input: GiftCardCreateInput!) {
  giftCardCreate(input: $input) {
    giftCard { id lastCharacters }
    userErrors { field message code }
  }
}
"""

DISCOUNT_BY_CODE = """
query RmaDiscountByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) { id }
}
"""

DISCOUNT_CREATE = """
mutation RmaDiscountCreate($discount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $discount) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}
"""

SOLD = ("SALE", "CAPTURE")
logger = logging.getLogger(__name__)


def refund_note(refund: RefundOrder) -> str:
    return f"{refund.reason} {OUR_REFUND_MARK}{refund.reference})".strip()


def _refund_transactions(order: dict[str, Any], amount: Decimal) -> list[dict[str, Any]]:
    """The REFUND transactions giving `amount` back through the order's successful sales and captures."""
    transactions = order.get("transactions") or []
    refunded: dict[str, Decimal] = {}
    for t in transactions:
        if t.get("kind") == "REFUND" and t.get("status") == "SUCCESS" and t.get("parentTransaction"):
            parent = str(t["parentTransaction"].get("id"))
            refunded[parent] = refunded.get(parent, Decimal(0)) + money(_amount(t), "refund")
    left = amount
    result = []
    for t in transactions:
        if left <= 0:
            break
        if t.get("kind") not in SOLD or t.get("status") != "SUCCESS":
            continue
        available = money(_amount(t), "transaction") - refunded.get(str(t.get("id")), Decimal(0))
        share = min(available, left)
        if share <= 0:
            continue
        result.append(
            {
                "orderId": order["id"],
                "parentId": t["id"],
                "gateway": t.get("gateway") or "",
                "kind": "REFUND",
                "amount": str(share),
            }
        )
        left -= share
    if left > 0:
        raise PlatformError(f"The order has {amount - left} left to refund, not {amount}.", permanent=True)
    return result


def _amount(transaction: dict[str, Any]) -> object:
    return ((transaction.get("amountSet") or {}).get("shopMoney") or {}).get("amount")


def refund_lines(refund: RefundOrder, location_ref: str) -> list[dict[str, Any]]:
    """Each line as a RETURN part (restocked at `location_ref`) and a NO_RESTOCK part."""
    gids = (refund.order_extra or {}).get("line_gids") or {}
    items = []
    for line in refund.lines:
        line_gid = gids.get(line.line_ref) or gid("LineItem", line.line_ref)
        restock = max(0, min(line.restock_quantity, line.quantity))
        if restock:
            item: dict[str, Any] = {"lineItemId": line_gid, "quantity": restock, "restockType": "RETURN"}
            if location_ref:
                item["locationId"] = gid("Location", location_ref)
            items.append(item)
        if line.quantity - restock > 0:
            items.append({"lineItemId": line_gid, "quantity": line.quantity - restock, "restockType": "NO_RESTOCK"})
    return items


def refund_create(api: ShopifyGraphql, *, refund: RefundOrder, location_ref: str) -> PlatformRecord:
    order_gid = (refund.order_extra or {}).get("order_gid") or gid("Order", refund.order_ref)
    order = api.run(ORDER_MONEY_QUERY, {"id": order_gid}).get("order")
    if not order:
        raise PlatformError(f"Order {refund.order_ref} is not in the shop.", permanent=True)
    for existing in order.get("refunds") or []:
        if refund.reference in (existing.get("note") or ""):
            return PlatformRecord(kind="refund", ref=str(existing["id"]), created=False)
    # An answer that leaves a currency out does not stop the refund; one that names another does.
    currencies = {code for code in (order.get("currencyCode"), order.get("presentmentCurrencyCode")) if code}
    if currencies and currencies != {refund.currency}:
        # Our amounts are in the shop's currency; Shopify refunds a multi-currency order in the customer's.
        raise PlatformError(
            f"Order {refund.order_ref} was paid in {'/'.join(sorted(map(str, currencies)))}, the refund is in "
            f"{refund.currency}: refund it in Shopify's admin (note: {refund.reference}).",
            permanent=True,
        )
    refund_input: dict[str, Any] = {
        "orderId": order["id"],
        "note": refund_note(refund),
        "notify": False,
        "refundLineItems": refund_lines(refund, location_ref),
        "transactions": _refund_transactions(order, refund.amount) if refund.amount > 0 else [],
    }
    if idempotent_directive_known(api.version):
        data = api.run(REFUND_CREATE_IDEMPOTENT, {"input": refund_input, "idempotencyKey": refund.reference})
    else:
        data = api.run(REFUND_CREATE, {"input": refund_input})
    payload = mutation_result(data, "refundCreate")
    created = payload.get("refund") or {}
    if not created.get("id"):
        raise PlatformError("refundCreate answered no refund.")
    return PlatformRecord(kind="refund", ref=str(created["id"]), created=True)


def gift_card_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isalnum())


def credit_create(api: ShopifyGraphql, *, credit: CreditOrder, gift_cards: bool) -> PlatformRecord:
    if gift_cards:
        try:
            return _gift_card(api, credit)
        except GraphqlError as exc:
            if "ACCESS_DENIED" not in exc.codes:
                raise
            # No gift cards on this shop's plan, or the app was not granted them: a one-use discount code instead.
    return _discount(api, credit)


def _gift_card_found(api: ShopifyGraphql, credit: CreditOrder, code: str) -> PlatformRecord | None:
    nodes = nodes_of(api.run(GIFT_CARDS_QUERY, {"query": code}).get("giftCards"))
    for node in nodes:
        same_code = str(node.get("lastCharacters") or "").lower() == code[-4:].lower()
        if same_code and credit.reference in (node.get("note") or ""):
            return PlatformRecord(kind="gift_card", ref=str(node["id"]), created=False)
    return None


def _customer_gid(api: ShopifyGraphql, order_ref: str) -> str:
    if not order_ref:
        return ""
    order = api.run(ORDER_CUSTOMER_QUERY, {"id": gid("Order", order_ref)}).get("order") or {}
    return str((order.get("customer") or {}).get("id") or "")


def _unless_refused(read: Callable[[], Any], default: Any) -> Any:
    """A look-up before a creation that a unique code already guards (Shopify answers TAKEN to a second card or
    discount with the same code): one that Shopify refuses for good (not a question of access) is skipped."""
    try:
        return read()
    except GraphqlError as exc:
        if not exc.permanent or "ACCESS_DENIED" in exc.codes:
            raise
        logger.warning("Shopify refused a look-up before a creation, which goes on: %s", exc)
        return default


def _gift_card(api: ShopifyGraphql, credit: CreditOrder) -> PlatformRecord:
    code = gift_card_code(credit.code)
    found = _unless_refused(lambda: _gift_card_found(api, credit, code), None)
    if found is not None:
        return found
    card_input: dict[str, Any] = {
        "initialValue": str(credit.amount),
        "code": code,
        "note": f"Store credit for return {credit.rma_number} (RMA credit {credit.reference})",
    }
    if credit.expires_at is not None:
        card_input["expiresOn"] = timezone.localtime(credit.expires_at).date().isoformat()
    customer = _unless_refused(lambda: _customer_gid(api, credit.order_ref), "")
    if customer:
        card_input["customerId"] = customer
    return _created(
        lambda: api.run(GIFT_CARD_CREATE, {"input": card_input}),
        "giftCardCreate",
        "giftCard",
        kind="gift_card",
        taken=lambda: _gift_card_found(api, credit, code) or PlatformRecord("gift_card", f"code:{code}", False),
    )


def _discount(api: ShopifyGraphql, credit: CreditOrder) -> PlatformRecord:
    node = _unless_refused(lambda: api.run(DISCOUNT_BY_CODE, {"code": credit.code}), {}).get("codeDiscountNodeByCode")
    if node:
        return PlatformRecord(kind="discount_code", ref=str(node["id"]), created=False)
    discount = {
        "title": f"Store credit {credit.rma_number} (RMA credit {credit.reference})"[:255],
        "code": credit.code,
        "startsAt": timezone.now().isoformat(),
        "endsAt": credit.expires_at.isoformat() if credit.expires_at else None,
        "usageLimit": 1,
        "appliesOncePerCustomer": True,
        "context": {"all": "ALL"},
        "customerGets": {
            "value": {"discountAmount": {"amount": str(credit.amount), "appliesOnEachItem": False}},
            "items": {"all": True},
        },
    }
    return _created(
        lambda: api.run(DISCOUNT_CREATE, {"discount": discount}),
        "discountCodeBasicCreate",
        "codeDiscountNode",
        kind="discount_code",
        taken=lambda: PlatformRecord("discount_code", f"code:{credit.code}", False),
    )


def _created(
    call: Callable[[], dict[str, Any]], field: str, node: str, *, kind: str, taken: Callable[[], PlatformRecord]
) -> PlatformRecord:
    try:
        payload = mutation_result(call(), field)
    except UserErrors as exc:
        if "TAKEN" in exc.codes:  # created by an earlier call the search does not show yet
            return taken()
        raise
    created = payload.get(node) or {}
    if not created.get("id"):
        raise PlatformError(f"{field} answered nothing created.")
    return PlatformRecord(kind=kind, ref=str(created["id"]), created=True)
