"""Shopify's GraphQL Admin API: one POST per operation, and its cost-based rate limit.

Every answer carries ``extensions.cost.throttleStatus`` (``currentlyAvailable`` points, ``restoreRate`` points
per second). A throttled request is answered 200 with ``errors[].extensions.code == "THROTTLED"``; the wait is
the missing points over the restore rate. Within the client's wait budget (the backfill) it is waited out and the
request sent again; else it is handed back as a transient PlatformError with ``retry_after`` (the outbox
schedules the retry). An answer that leaves fewer points than the request cost waits before the next request.
"""

import logging
from typing import TYPE_CHECKING, Any

import requests

from rma.connectors.platforms.base import PlatformError
from rma.connectors.platforms.http import PlatformHttp
from rma.connectors.platforms.shopify.mapping import nodes_of
from rma.connectors.platforms.shopify.tokens import access_token, access_token_forget

if TYPE_CHECKING:
    from rma.connectors.models import ShopConnection

logger = logging.getLogger(__name__)

DEFAULT_API_VERSION = "2026-10"
# https://shopify.dev/changelog/adding-idempotency-for-inventory-adjustments-and-refund-mutations
IDEMPOTENT_SINCE = "2026-01"
THROTTLE_WAIT_MIN = 1.0
THROTTLE_WAIT_MAX = 60.0
# Error codes in ``errors[].extensions.code`` that a retry can cure.
TRANSIENT_CODES = frozenset({"THROTTLED", "INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"})


class GraphqlError(PlatformError):
    """Top-level ``errors`` of an answer; ``codes`` are their ``extensions.code`` values."""

    def __init__(self, message: str, *, codes: list[str], permanent: bool, retry_after: float | None = None) -> None:
        super().__init__(message, status=200, permanent=permanent, retry_after=retry_after)
        self.codes = codes


class UserErrors(PlatformError):
    """A mutation refused its input (``userErrors``): permanent."""

    def __init__(self, operation: str, errors: list[dict[str, Any]]) -> None:
        text = "; ".join(f"{'.'.join(map(str, e.get('field') or []))}: {e.get('message')}" for e in errors)
        super().__init__(f"{operation}: {text}", permanent=True)
        self.codes = [str(e.get("code") or "") for e in errors]


class ShopifyGraphql:
    """The Admin API of one shop: ``POST {shop}/admin/api/{version}/graphql.json``, X-Shopify-Access-Token."""

    def __init__(
        self, connection: "ShopConnection", *, session: requests.Session | None = None, wait_budget: float = 0.0
    ) -> None:
        self.version = connection.api_version or DEFAULT_API_VERSION
        self.url = f"{connection.base_url}/admin/api/{self.version}/graphql.json"
        self.connection = connection
        self.http = PlatformHttp(session=session, wait_budget=wait_budget)

    def run(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of the answer; raises PlatformError (throttling waited out within the budget)."""
        refused_once = False
        while True:
            token = access_token(self.connection, self.http)
            try:
                response = self.http.request(
                    "POST",
                    self.url,
                    json={"query": query, "variables": variables or {}},
                    headers={"X-Shopify-Access-Token": token, "Accept": "application/json"},
                )
            except PlatformError as exc:
                # A granted token Shopify no longer takes (revoked, or the app's scopes changed): ask again, once.
                if exc.status == 401 and not refused_once and access_token_forget(self.connection, token):
                    refused_once = True
                    continue
                raise
            try:
                body = response.json()
            except ValueError as exc:
                raise PlatformError(f"Shopify answered something else than JSON: {response.text[:200]}") from exc
            if not isinstance(body, dict):
                raise PlatformError(f"Shopify answered an unexpected body: {str(body)[:200]}")
            cost = (body.get("extensions") or {}).get("cost") or {}
            errors = body.get("errors")
            if errors and _mutation_ran(query, body.get("data")):
                # A mutation that ran and answered its payload, with errors on some field besides (GraphQL's
                # partial answer, e.g. ACCESS_DENIED on a field of the refund): what it did is in the payload.
                logger.warning("Shopify ran the mutation and answered errors besides: %s", str(errors)[:500])
                errors = None
            if errors:
                error = self._error(errors, cost)
                if "THROTTLED" in error.codes and error.retry_after is not None and self.http.pause(error.retry_after):
                    logger.info("Shopify throttled the request: waited %.1f s", error.retry_after)
                    continue
                raise error
            data = body.get("data")
            if not isinstance(data, dict):
                raise PlatformError("Shopify answered without data.")
            self._slow_down(cost)
            return data

    @staticmethod
    def _wait(cost: dict[str, Any]) -> float:
        status = cost.get("throttleStatus") or {}
        try:
            missing = float(cost.get("requestedQueryCost") or 0) - float(status.get("currentlyAvailable") or 0)
            rate = float(status.get("restoreRate") or 0)
        except (TypeError, ValueError):
            return THROTTLE_WAIT_MIN
        if rate <= 0:
            return THROTTLE_WAIT_MIN
        return min(max(missing / rate, THROTTLE_WAIT_MIN), THROTTLE_WAIT_MAX)

    def _error(self, errors: object, cost: dict[str, Any]) -> GraphqlError:
        items = errors if isinstance(errors, list) else [{"message": str(errors)}]
        codes = [str(((e.get("extensions") or {}) if isinstance(e, dict) else {}).get("code") or "") for e in items]
        messages = "; ".join(str(e.get("message") if isinstance(e, dict) else e) for e in items)
        transient = any(code in TRANSIENT_CODES for code in codes)
        wait = self._wait(cost) if "THROTTLED" in codes else None
        return GraphqlError(f"Shopify: {messages}"[:1000], codes=codes, permanent=not transient, retry_after=wait)

    def _slow_down(self, cost: dict[str, Any]) -> None:
        status = cost.get("throttleStatus") or {}
        if "currentlyAvailable" not in status:
            return
        try:
            short = float(status.get("currentlyAvailable", 0)) < float(cost.get("requestedQueryCost") or 0)
        except (TypeError, ValueError):
            return
        if short:
            self.http.pause(self._wait(cost))


def _mutation_ran(query: str, data: object) -> bool:
    """Whether the answer to a mutation carries its payload (a query's partial answer is never taken: a field
    missing from it could hide a refund already made)."""
    if not query.lstrip().startswith("mutation") or not isinstance(data, dict):
        return False
    return any(isinstance(value, dict) for value in data.values())


def idempotent_directive_known(version: str) -> bool:
    """Whether the version takes ``@idempotent(key:)`` on refundCreate (2026-01 on; mandatory from 2026-04)."""
    return version == "unstable" or version >= IDEMPOTENT_SINCE


def mutation_result(data: dict[str, Any], field: str) -> dict[str, Any]:
    """The payload of a mutation, or UserErrors when it refused."""
    payload = data.get(field)
    if not isinstance(payload, dict):
        raise PlatformError(f"{field}: Shopify answered no payload.")
    errors = payload.get("userErrors") or []
    if errors:
        raise UserErrors(field, errors)
    return payload


# One order costs about 890 points as Shopify calculates them (objects 1, connections 2 + first x node), under
# the 1000 a single query may cost: the backfill pages through order ids (about 52 points a page) and reads each
# order with ORDER_QUERY; an order with more than 40 lines reads the rest with LINES_QUERY. The variant's weight
# (its inventory item's measurement: 3 objects a line) is the weight the shop publishes for the unit; it needs
# read_products or read_inventory, which the stock for exchanges needs already.
LINE_FIELDS = """
fragment RmaLine on LineItem {
  id sku name title variantTitle quantity
  discountedUnitPriceAfterAllDiscountsSet { shopMoney { amount currencyCode } }
  taxLines { rate title priceSet { shopMoney { amount } } }
  variant { id inventoryItem { measurement { weight { unit value } } } }
  product { id productType }
}
"""

ORDER_QUERY = (
    """
query RmaOrder($id: ID!) {
  order(id: $id) {
    id legacyResourceId name email phone createdAt updatedAt cancelledAt currencyCode customerLocale taxesIncluded
    customer { id firstName lastName }
    shippingAddress { name firstName lastName address1 address2 zip city countryCodeV2 phone }
    billingAddress { name firstName lastName address1 address2 zip city countryCodeV2 phone }
    lineItems(first: 40) { nodes { ...RmaLine } pageInfo { hasNextPage endCursor } }
    refunds(first: 10) { id note createdAt refundLineItems(first: 20) { nodes { quantity lineItem { id } } } }
    fulfillments(first: 10) { id status displayStatus deliveredAt }
  }
}
"""
    + LINE_FIELDS
)

LINES_QUERY = (
    """
query RmaOrderLines($id: ID!, $after: String) {
  order(id: $id) {
    id
    lineItems(first: 40, after: $after) { nodes { ...RmaLine } pageInfo { hasNextPage endCursor } }
  }
}
"""
    + LINE_FIELDS
)

ORDERS_QUERY = """
query RmaOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { id updatedAt }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def order_node(api: ShopifyGraphql, order_gid: str) -> dict[str, Any] | None:
    """An order node read with ORDER_QUERY, its lines completed page by page; None when there is no such order."""
    node = api.run(ORDER_QUERY, {"id": order_gid}).get("order")
    if not isinstance(node, dict):
        return None
    lines = node.get("lineItems") or {}
    nodes = nodes_of(lines)
    page = lines.get("pageInfo") or {}
    while page.get("hasNextPage"):
        more = (api.run(LINES_QUERY, {"id": order_gid, "after": page.get("endCursor")}).get("order") or {}).get(
            "lineItems"
        ) or {}
        nodes.extend(nodes_of(more))
        page = more.get("pageInfo") or {}
    return {**node, "lineItems": {"nodes": nodes}}
