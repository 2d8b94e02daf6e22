"""WooCommerce: order webhooks in, the REST API v3 for the backfill, refunds, store credit (coupons) and stock.

Built from WooCommerce's published formats:
- Webhooks: woocommerce/woocommerce ``plugins/woocommerce/includes/class-wc-webhook.php``: ``deliver()`` sends the
  REST v3 resource as JSON with ``X-WC-Webhook-Source``, ``-Topic``, ``-Resource``, ``-Event``, ``-Signature``
  (``generate_signature()``: base64 of the HMAC-SHA256 of the raw body with the webhook's secret), ``-ID`` and
  ``-Delivery-ID`` (``get_new_delivery_id()``: ``wp_hash(webhook id . time())``: the same for two deliveries of
  one webhook within the same second); ``deliver_ping()`` posts the unsigned form body ``webhook_id=<id>`` when a
  webhook is saved, and keeps the webhook pending unless the answer is 200; ``order.deleted`` carries ``{"id"}``.
- REST API: woocommerce/woocommerce-rest-api-docs ``source/includes/wp-api-v3/`` (``_introduction.md``: errors
  ``{"code", "message", "data": {"status"}}``, pagination ``page``/``per_page`` with ``X-WP-Total`` and
  ``X-WP-TotalPages``; ``_authentication.md``: HTTP Basic with the consumer key and secret over HTTPS;
  ``_orders.md``, ``_order-refunds.md``, ``_coupons.md``, ``_product-variations.md``, ``_products.md``) and
  ``includes/rest-api/Controllers/Version3/class-wc-rest-crud-controller.php`` (``modified_after``,
  ``dates_are_gmt``, ``per_page`` at most 100). The backfill pages ``orderby=id`` (in the documented ``orderby``
  options of ``_orders.md``, unlike ``modified``): an order changed during the run keeps its place, so no page
  shifts and no order is skipped; new ones come after.
- The documented examples themselves are the fixtures of ``tests/connectors/woocommerce/payloads/docs/``.
- Refunds and coupons: see ``money.py`` of this package.
"""

import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import requests

from rma.connectors.platforms.base import (
    CreditOrder,
    MappingError,
    OrderData,
    OrderEvent,
    OrdersPage,
    PlatformError,
    PlatformRecord,
    RefundOrder,
    WebhookDelivery,
    WebhookIgnored,
)
from rma.connectors.platforms.http import PlatformHttp, header, signature_matches
from rma.connectors.platforms.woocommerce import mapping
from rma.connectors.platforms.woocommerce.catalogue import MAX_PER_PAGE, Catalogue, CatalogueReader
from rma.connectors.platforms.woocommerce.money import (
    MANUAL_GATEWAYS,
    coupon_payload,
    refund_part_of,
    refund_parts,
    refund_payload,
)

if TYPE_CHECKING:
    from rma.connectors.models import ShopConnection
    from rma.integrations.shop import Variant

logger = logging.getLogger(__name__)
T = TypeVar("T")

API_PATH = "/wp-json/wc/v3/"
BACKFILL_WAIT_BUDGET = 120.0
READ_WAIT_BUDGET = 10.0
PING_BODY = re.compile(rb"^webhook_id=\d+$")
ORDER_TOPICS = ("order.created", "order.updated", "order.restored")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
COUPON_EXISTS = "woocommerce_rest_coupon_code_already_exists"


def _is_ping(headers: Mapping[str, str], body: bytes) -> bool:
    return not header(headers, "X-WC-Webhook-Topic") and bool(PING_BODY.match(body.strip()))


def _is_json_ping(body: bytes) -> bool:
    """The ping's ``webhook_id`` sent as a JSON object (some proxies and test tools re-encode it): no event."""
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and set(data) == {"webhook_id"}


class WooCommerceConnector:
    """One WooCommerce shop (see the module doc)."""

    platform = "woocommerce"
    pushes_orders = True

    def __init__(self, connection: "ShopConnection", *, session: requests.Session | None = None) -> None:
        self.connection = connection
        self.session = session
        self.options: dict[str, Any] = connection.options if isinstance(connection.options, dict) else {}
        self._backfill_http: PlatformHttp | None = None
        self.catalogue = CatalogueReader(
            request=self._request,
            json_list=self._json_list,
            optional=self._optional,
            options=self.options,
            shop=connection.name,
            shop_url=connection.base_url,
        )

    # ---- webhooks

    def webhook_verify(self, *, headers: Mapping[str, str], body: bytes) -> bool:
        signature = header(headers, "X-WC-Webhook-Signature")
        if not signature:
            # The ping WooCommerce sends when a webhook is saved is not signed; it is answered and nothing is kept.
            return _is_ping(headers, body)
        return signature_matches(secret=self.connection.credential("webhook_secret"), body=body, received=signature)

    def webhook_identify(self, *, headers: Mapping[str, str], body: bytes) -> WebhookDelivery:
        topic = header(headers, "X-WC-Webhook-Topic")
        if not topic and header(headers, "X-WC-Webhook-Resource") and header(headers, "X-WC-Webhook-Event"):
            topic = f"{header(headers, 'X-WC-Webhook-Resource')}.{header(headers, 'X-WC-Webhook-Event')}"
        if _is_ping(headers, body) or not topic or _is_json_ping(body):
            raise WebhookIgnored
        # The delivery id is a hash of the webhook id and the second it was sent: two deliveries of one webhook in
        # the same second share it. With the body's own hash, only a true resend of the same delivery dedupes (and
        # a signed delivery without the header is still kept, deduped on its body).
        delivery = header(headers, "X-WC-Webhook-Delivery-ID")
        webhook_id = header(headers, "X-WC-Webhook-ID")
        body_hash = hashlib.sha256(body).hexdigest()[:16]
        return WebhookDelivery(delivery_id=f"{webhook_id}:{delivery}:{body_hash}", topic=topic)

    def delivery_map(self, *, topic: str, payload: Any) -> OrderEvent | None:
        if topic not in ORDER_TOPICS:
            return None  # order.deleted (moved to the bin, restorable) and other resources change nothing here
        if isinstance(payload, dict) and isinstance(payload.get("order"), dict):
            raise MappingError(f"{topic}: a Legacy API payload; set the webhook's API version to WP REST API v3.")
        if not isinstance(payload, dict) or not payload.get("id"):
            raise MappingError(f"{topic}: the body is not an order.")
        if payload.get("status") in mapping.NOT_PAID:
            return None
        return self._order(payload, self._http(READ_WAIT_BUDGET))

    # ---- orders

    def orders_fetch(self, *, since: datetime, cursor: str) -> OrdersPage:
        http = self._backfill_http = self._backfill_http or self._http(BACKFILL_WAIT_BUDGET)
        page = int(cursor) if cursor.isdigit() and int(cursor) > 0 else 1
        per_page = min(MAX_PER_PAGE, max(1, int(self.options.get("page_size") or 50)))
        response = self._request(
            http,
            "GET",
            "orders",
            params={
                "modified_after": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "dates_are_gmt": "true",
                "orderby": "id",
                "order": "asc",
                "per_page": per_page,
                "page": page,
            },
        )
        payloads = self._json_list(response)
        orders = []
        paid = [payload for payload in payloads if payload.get("status") not in mapping.NOT_PAID]
        catalogue = self.catalogue.read(paid, http, strict=True)
        for payload in paid:
            try:
                orders.append(self._order(payload, http, catalogue=catalogue))
            except (MappingError, ValueError, TypeError) as exc:  # one order we cannot read does not stop the rest
                logger.warning("WooCommerce %s: order %s skipped: %s", self.connection.name, payload.get("id"), exc)
        more = _more(response, page=page, count=len(payloads), per_page=per_page)
        return OrdersPage(
            orders=orders, next_cursor=str(page + 1) if more else "", total=_intheader(response, "X-WP-Total")
        )

    def order_fetch(self, *, order_ref: str) -> OrderData | None:
        http = self._http(READ_WAIT_BUDGET)
        try:
            response = self._request(http, "GET", f"orders/{int(order_ref)}")
        except PlatformError as exc:
            if exc.status == 404:
                return None
            raise
        payload = response.json()
        return self._order(payload, http) if isinstance(payload, dict) else None

    def _order(self, payload: dict[str, Any], http: PlatformHttp, *, catalogue: Catalogue | None = None) -> OrderData:
        refunded: dict[str, int] = {}
        if payload.get("refunds"):
            refunds = self._optional(lambda: self._all(http, f"orders/{int(payload['id'])}/refunds"), "refunds")
            refunded = mapping.refunded_quantities(refunds or [], lines=payload.get("line_items") or [])
        if catalogue is None:
            # Any failure: the order matters more than its categories and weights ("other" and none now; its next
            # update brings them).
            catalogue = self.catalogue.read([payload], http, strict=False)
        return mapping.order_map(
            payload,
            options=self.options,
            refunded=refunded,
            categories=catalogue.categories,
            weights=catalogue.weights,
        )

    def _optional(
        self, read: "Callable[[], T]", what: str, *, only: int | None = None, always: bool = False
    ) -> "T | None":
        """What `read` reads, or None when the shop refuses it for good (404: an order deleted since, a route a
        plugin or proxy hides; 403: keys without read rights on products), or only with status `only`: the order
        is still taken, the creation still tried (it answers for the order). A passing failure (5xx, 429, the
        network) is raised: the delivery or the call is tried again later."""
        try:
            return read()
        except PlatformError as exc:
            if not always and (not exc.permanent or only not in (None, exc.status)):
                raise
            logger.warning("WooCommerce %s: %s not read: %s", self.connection.name, what, exc.message)
            return None

    # ---- money out

    def refund_create(self, *, refund: RefundOrder) -> PlatformRecord:
        http = self._http(0.0)
        path = f"orders/{int(refund.order_ref)}/refunds"
        existing: dict[str, str] = {}
        for found in self._optional(lambda: self._all(http, path), "refunds", only=404) or []:
            name = refund_part_of(found, refund.reference)
            if name is not None:
                existing[name] = str(found.get("id"))
        parts = refund_parts(refund)
        api_refund = (
            self.options.get("refund_via_gateway", True) is not False
            and refund.order_extra.get("payment_method") not in MANUAL_GATEWAYS
        )
        created = False
        for part in parts:
            if part.name in existing:
                continue
            body = refund_payload(refund, part, parts=len(parts), api_refund=api_refund)
            answer = _json_object(self._request(http, "POST", path, json=body))
            existing[part.name] = str(answer.get("id") or "")
            created = True
        refs = ",".join(existing[part.name] for part in parts if part.name in existing)
        return PlatformRecord(kind="refund", ref=refs, created=created)

    def credit_create(self, *, credit: CreditOrder) -> PlatformRecord:
        http = self._http(0.0)
        found = self._optional(lambda: self._coupon(http, credit.code), "coupons", only=404)
        if found:
            return PlatformRecord(kind="coupon", ref=found, created=False)
        try:
            answer = _json_object(self._request(http, "POST", "coupons", json=coupon_payload(credit)))
        except PlatformError as exc:
            # Created by a call whose answer was lost, between our look-up and now: it is ours (the code is ours).
            found = self._coupon(http, credit.code) if COUPON_EXISTS in exc.message else None
            if found is None:
                raise
            return PlatformRecord(kind="coupon", ref=found, created=False)
        return PlatformRecord(kind="coupon", ref=str(answer.get("id") or ""), created=True)

    def _coupon(self, http: PlatformHttp, code: str) -> str | None:
        response = self._request(http, "GET", "coupons", params={"code": code})
        for coupon in self._json_list(response):
            # WooCommerce stores codes lower-cased (wc_format_coupon_code) and finds them so.
            if str(coupon.get("code", "")).lower() == code.lower():
                return str(coupon.get("id"))
        return None

    # ---- stock

    def variants(self, *, product_ref: str, variant_ref: str, sku: str) -> list["Variant"]:
        from rma.integrations.shop import Variant

        if not product_ref.isdigit():
            return []
        http = self._http(0.0)
        sizes = mapping.attribute_names(self.options, "size_attributes", mapping.SIZE_NAMES)
        colours = mapping.attribute_names(self.options, "colour_attributes", mapping.COLOUR_NAMES)
        found = self._all(http, f"products/{int(product_ref)}/variations")
        if not found:  # a simple product: itself is the only variant
            product = self._request(http, "GET", f"products/{int(product_ref)}").json()
            found = [product] if isinstance(product, dict) else []
        variants = []
        for item in found:
            if item.get("status", "publish") != "publish":
                continue
            # By name ("Color", "Taille") and, on recent stores, by slug ("pa_color").
            options = {
                str(a.get(field) or "").lower().removeprefix("pa_"): mapping.text(a.get("option"))
                for a in item.get("attributes") or []
                if isinstance(a, dict)
                for field in ("slug", "name")
            }
            variants.append(
                Variant(
                    sku=str(item.get("sku") or item.get("id")),
                    size=next((options[n] for n in sizes if options.get(n)), ""),
                    colour=next((options[n] for n in colours if options.get(n)), ""),
                    available=mapping.in_stock(item),
                    price=mapping.variant_price(item.get("price")),
                )
            )
        return variants

    # ---- HTTP

    def _http(self, wait_budget: float) -> PlatformHttp:
        return PlatformHttp(session=self.session, wait_budget=wait_budget)

    def _request(self, http: PlatformHttp, method: str, path: str, **kwargs: Any) -> requests.Response:
        base = self.connection.base_url
        parts = urlsplit(base)
        if parts.scheme != "https" and parts.hostname not in LOCAL_HOSTS:
            raise PlatformError(
                f"{base}: WooCommerce accepts the consumer key and secret over HTTPS only.", permanent=True
            )
        key, secret = self.connection.credential("api_key"), self.connection.credential("api_secret")
        if self.options.get("auth") == "query":  # servers that drop the Authorization header (docs: "HTTPS")
            kwargs["params"] = {**(kwargs.get("params") or {}), "consumer_key": key, "consumer_secret": secret}
        else:
            kwargs["auth"] = (key, secret)
        kwargs.setdefault("headers", {"Accept": "application/json"})
        try:
            return http.request(method, f"{base}{API_PATH}{path}", **kwargs)
        except PlatformError as exc:
            # A network error's text can hold the URL with its query: never the secret in a log or an outbox row.
            for value in (secret, key):
                if value:
                    exc.message = exc.message.replace(value, "***")
            exc.args = (exc.message,)
            raise

    def _json_list(self, response: requests.Response) -> list[dict[str, Any]]:
        try:
            data = response.json()
        except ValueError as exc:
            raise PlatformError(f"{response.url}: the answer is not JSON.") from exc
        if not isinstance(data, list):
            raise PlatformError(f"{response.url}: a list was expected.", permanent=True)
        return [item for item in data if isinstance(item, dict)]

    def _all(self, http: PlatformHttp, path: str) -> list[dict[str, Any]]:
        """Every item of a collection, page after page (X-WP-TotalPages)."""
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            response = self._request(http, "GET", path, params={"per_page": MAX_PER_PAGE, "page": page})
            batch = self._json_list(response)
            items.extend(batch)
            if not batch or not _more(response, page=page, count=len(batch), per_page=MAX_PER_PAGE):
                return items
            page += 1


def _intheader(response: requests.Response, name: str) -> int | None:
    try:
        return int(response.headers.get(name, ""))
    except ValueError:
        return None


def _json_object(response: requests.Response) -> dict[str, Any]:
    """The created resource, or {} when the answer has no JSON object (it was created all the same)."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _more(response: requests.Response, *, page: int, count: int, per_page: int) -> bool:
    """Whether a next page exists: ``X-WP-TotalPages``, else the ``Link`` header's ``rel="next"`` (both in
    ``_introduction.md``, Pagination), else (a proxy dropped them) a full page may have a next one."""
    pages = _intheader(response, "X-WP-TotalPages")
    if pages is not None:
        return page < pages
    if response.headers.get("Link"):
        return "next" in response.links
    return count >= per_page


__all__ = ["WooCommerceConnector"]
