"""The Shopify connector: order webhooks in, the GraphQL Admin API for the backfill, refunds, store credit, stock.

Built from Shopify's published documentation and official clients:
- Webhooks, HTTPS delivery and verification (X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body with the
  app's client secret; X-Shopify-Topic, X-Shopify-Webhook-Id, X-Shopify-Event-Id, X-Shopify-Shop-Domain,
  X-Shopify-API-Version, X-Shopify-Triggered-At): https://shopify.dev/docs/apps/build/webhooks/subscribe/https
  and Shopify/shopify-api-js (lib/webhooks/validate.ts, lib/webhooks/types.ts: ShopifyHeader).
- The webhook reference's header table (X-Shopify-Webhook-Id dedupes a delivery; X-Shopify-Event-Id is shared by
  every delivery of one merchant action) and its sample payloads, checked in tests/connectors/shopify/payloads/docs:
  https://shopify.dev/docs/api/webhooks/2026-07 (orders/*, fulfillments/*, fulfillment_events/create,
  refunds/create).
- Webhook payloads (REST Order, Fulfillment, FulfillmentEvent, Refund resources):
  https://shopify.dev/docs/api/admin-rest/latest/resources/order (and /fulfillment, /fulfillmentevent, /refund),
  https://shopify.dev/docs/api/webhooks (topics orders/create, orders/updated, fulfillments/update, refunds/create…).
- GraphQL Admin API, read in its 2025-10 reference and run by default on 2026-10, the stable version of the
  day (Shopify answers an unsupported version with its oldest supported one; a connection may name any):
  queries orders (sortKey UPDATED_AT, pageInfo), order, giftCards,
  codeDiscountNodeByCode, product, productVariants; mutations refundCreate (RefundInput, RefundLineItemInput
  restockType RETURN/NO_RESTOCK, OrderTransactionInput parentId), giftCardCreate (GiftCardCreateInput),
  discountCodeBasicCreate (DiscountCodeBasicInput): https://shopify.dev/docs/api/admin-graphql/2025-10/…
- Rate limits (calculated query cost, extensions.cost.throttleStatus, THROTTLED, 429 Retry-After):
  https://shopify.dev/docs/api/usage/limits
- Access tokens of Dev Dashboard apps (client credentials grant), see tokens.py; refundCreate's @idempotent
  directive (2026-01 on): https://shopify.dev/changelog/adding-idempotency-for-inventory-adjustments-and-refund-mutations
"""

import hashlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import requests

from rma.connectors.platforms.base import (
    MappingError,
    OrderData,
    OrderDelivered,
    OrderEvent,
    OrderRefundedInShop,
    OrdersPage,
    PlatformError,
    PlatformRecord,
    RefundOrder,
    WebhookDelivery,
    WebhookIgnored,
)
from rma.connectors.platforms.http import header, signature_matches
from rma.connectors.platforms.shopify import money as shop_money
from rma.connectors.platforms.shopify.graphql import ORDERS_QUERY, ShopifyGraphql, order_node
from rma.connectors.platforms.shopify.mapping import (
    gid,
    graphql_order,
    moment,
    nodes_of,
    numeric_id,
    rest_order,
    rest_product_ids,
)

if TYPE_CHECKING:
    from rma.connectors.models import ShopConnection
    from rma.connectors.platforms.base import CreditOrder
    from rma.integrations.shop import Variant

logger = logging.getLogger(__name__)

# Order topics whose payload is the whole order.
ORDER_TOPICS = frozenset(
    {
        "orders/create",
        "orders/updated",
        "orders/fulfilled",
        "orders/partially_fulfilled",
        "orders/paid",
        "orders/cancelled",
    }
)
FULFILLMENT_TOPICS = frozenset({"fulfillments/create", "fulfillments/update"})
KNOWN_TOPICS = ORDER_TOPICS | FULFILLMENT_TOPICS | {"fulfillment_events/create", "refunds/create"}
# The same topics as the GraphQL Admin API names them (WebhookSubscriptionTopic: ORDERS_CREATE…).
TOPIC_ENUMS = {topic.upper().replace("/", "_"): topic for topic in KNOWN_TOPICS}
BACKFILL_WAIT_BUDGET = 120.0
PAGE_SIZE = 50
SIZE_OPTIONS = frozenset({"size", "taille", "größe", "grösse", "talla", "taglia", "maat"})
COLOUR_OPTIONS = frozenset({"color", "colour", "couleur", "farbe", "kleur", "colore"})

PRODUCT_TYPES_QUERY = """
query RmaProductTypes($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Product { id productType } }
}
"""

VARIANTS_QUERY = """
query RmaVariants($id: ID!) {
  product(id: $id) {
    id
    variants(first: 100) {
      nodes { id sku price inventoryQuantity availableForSale selectedOptions { name value } }
    }
  }
}
"""

VARIANT_PRODUCT_QUERY = """
query RmaVariantProduct($query: String!) {
  productVariants(first: 1, query: $query) { nodes { id product { id } } }
}
"""


def webhook_topic(value: str) -> str:
    """The topic as X-Shopify-Topic writes it ("orders/create"); also read in its GraphQL enum spelling
    ("ORDERS_CREATE") or another case, which some relays and test tools send."""
    text = value.strip()
    return TOPIC_ENUMS.get(text.upper().replace("/", "_"), text)


class ShopifyConnector:
    """Shopify, for one connection (see rma.connectors.platforms.base for the contract)."""

    platform = "shopify"
    pushes_orders = True

    def __init__(self, connection: "ShopConnection", *, session: requests.Session | None = None) -> None:
        self.connection = connection
        self.session = session

    def _api(self, wait_budget: float = 0.0) -> ShopifyGraphql:
        return ShopifyGraphql(self.connection, session=self.session, wait_budget=wait_budget)

    # ---- webhooks

    def webhook_verify(self, *, headers: Mapping[str, str], body: bytes) -> bool:
        """Signed with the webhook secret; or with the app's client secret (the API secret), which is what signs
        the webhooks an app subscribes itself (its configuration file or webhookSubscriptionCreate)."""
        received = header(headers, "X-Shopify-Hmac-Sha256")
        return any(
            signature_matches(secret=self.connection.credential(name), body=body, received=received)
            for name in ("webhook_secret", "api_secret")
        )

    def webhook_identify(self, *, headers: Mapping[str, str], body: bytes) -> WebhookDelivery:
        topic = webhook_topic(header(headers, "X-Shopify-Topic"))
        if not topic:
            raise WebhookIgnored
        delivery_id = header(headers, "X-Shopify-Webhook-Id")
        event_id = header(headers, "X-Shopify-Event-Id")
        if not delivery_id and event_id:
            # The event id is shared by every delivery of one merchant action (orders/create and orders/updated of
            # the same order carry the same one): with its topic, it names one delivery.
            delivery_id = f"event:{event_id}:{topic}"
        if not delivery_id:  # not from Shopify's delivery system: the body itself identifies it
            delivery_id = "sha256:" + hashlib.sha256(topic.encode() + b"\n" + body).hexdigest()
        return WebhookDelivery(delivery_id=delivery_id, topic=topic)

    def delivery_map(self, *, topic: str, payload: Any) -> OrderEvent | None:
        topic = webhook_topic(topic)
        if topic in ORDER_TOPICS:
            return rest_order(payload, self._product_types(rest_product_ids(payload)))
        if not isinstance(payload, dict):
            raise MappingError(f"{topic}: the payload is not a JSON object.")
        if topic in FULFILLMENT_TOPICS:
            if payload.get("shipment_status") != "delivered":
                return None
            when = payload.get("updated_at") or payload.get("created_at")
            return OrderDelivered(order_ref=self._order_ref(payload), delivered_at=moment(when, "updated_at"))
        if topic == "fulfillment_events/create":
            if payload.get("status") != "delivered":
                return None
            when = payload.get("happened_at") or payload.get("created_at")
            return OrderDelivered(order_ref=self._order_ref(payload), delivered_at=moment(when, "happened_at"))
        if topic == "refunds/create":
            lines: dict[str, int] = {}
            for item in payload.get("refund_line_items") or []:
                ref = str(item.get("line_item_id") or "")
                lines[ref] = lines.get(ref, 0) + int(item.get("quantity") or 0)
            if not payload.get("id"):
                raise MappingError("refunds/create: the refund has no id.")
            return OrderRefundedInShop(
                order_ref=self._order_ref(payload),
                refund_ref=str(payload["id"]),
                reference=str(payload.get("note") or ""),
                lines=lines,
            )
        return None

    def _product_types(self, product_ids: list[str]) -> dict[str, str]:
        """Product types by product id (REST line items do not carry them; the category is mapped from them)."""
        if not product_ids:
            return {}
        try:
            data = self._api().run(PRODUCT_TYPES_QUERY, {"ids": [gid("Product", ref) for ref in product_ids]})
        except PlatformError as exc:
            # The order matters more than its categories: it comes in without them (mapped to "other"), and the
            # next update of the order (or the backfill) brings them.
            logger.warning("Shopify product types not read for %s: %s", self.connection.name, exc)
            return {}
        return {
            numeric_id(node.get("id")): str(node.get("productType") or "")
            for node in data.get("nodes") or []
            if isinstance(node, dict) and node.get("id")
        }

    @staticmethod
    def _order_ref(payload: dict[str, Any]) -> str:
        if not payload.get("order_id"):
            raise MappingError("The payload names no order_id.")
        return str(payload["order_id"])

    # ---- orders

    def orders_fetch(self, *, since: datetime, cursor: str) -> OrdersPage:
        variables = {
            "first": PAGE_SIZE,
            "after": cursor or None,
            "query": f"updated_at:>='{since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'",
        }
        api = self._api(BACKFILL_WAIT_BUDGET)
        orders = api.run(ORDERS_QUERY, variables).get("orders") or {}
        page = orders.get("pageInfo") or {}
        next_cursor = str(page.get("endCursor") or "") if page.get("hasNextPage") else ""
        found, failures = [], []
        for listed in nodes_of(orders):
            node = order_node(api, str(listed.get("id")))
            if node is None:  # deleted since it was listed
                continue
            try:
                found.append(graphql_order(node))
            except (MappingError, ValueError, TypeError, AttributeError) as exc:  # reported; the others go on
                ref = node.get("legacyResourceId") or numeric_id(listed.get("id"))
                failures.append(f"{ref}: {type(exc).__name__}: {exc}")
        return OrdersPage(orders=found, next_cursor=next_cursor, failures=failures)

    def order_fetch(self, *, order_ref: str) -> OrderData | None:
        node = order_node(self._api(), gid("Order", order_ref))
        return graphql_order(node) if node else None

    # ---- money out

    def refund_create(self, *, refund: RefundOrder) -> PlatformRecord:
        return shop_money.refund_create(self._api(), refund=refund, location_ref=self.connection.location_ref)

    def credit_create(self, *, credit: "CreditOrder") -> PlatformRecord:
        gift_cards = self.connection.options.get("gift_cards", True) is not False
        return shop_money.credit_create(self._api(), credit=credit, gift_cards=gift_cards)

    # ---- stock

    def variants(self, *, product_ref: str, variant_ref: str, sku: str) -> list["Variant"]:
        from rma.integrations.shop import Variant

        api = self._api()
        product_gid = gid("Product", product_ref) if product_ref else ""
        if not product_gid and (variant_ref or sku):
            query = f"id:{numeric_id(variant_ref)}" if variant_ref else f"sku:{sku}"
            nodes = nodes_of(api.run(VARIANT_PRODUCT_QUERY, {"query": query}).get("productVariants"))
            product_gid = str(((nodes[0].get("product") or {}).get("id")) or "") if nodes else ""
        if not product_gid:
            return []
        product = api.run(VARIANTS_QUERY, {"id": product_gid}).get("product")
        if not product:
            return []
        result = []
        for node in nodes_of(product.get("variants")):
            options = {
                str(o.get("name", "")).lower(): str(o.get("value") or "") for o in node.get("selectedOptions") or []
            }
            quantity = node.get("inventoryQuantity")
            available = quantity > 0 if isinstance(quantity, int) else bool(node.get("availableForSale"))
            result.append(
                Variant(
                    sku=str(node.get("sku") or numeric_id(node.get("id"))),
                    size=next((v for k, v in options.items() if k in SIZE_OPTIONS), ""),
                    colour=next((v for k, v in options.items() if k in COLOUR_OPTIONS), ""),
                    available=available,
                    price=Decimal(str(node["price"])) if node.get("price") is not None else None,
                )
            )
        return result
