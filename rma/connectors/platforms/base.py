"""What every shop platform's connector does, and the plain values that cross between it and the product.

A connector (one per platform: ``shopify``, ``woocommerce``, ``prestashop``) speaks the platform's published API
and webhook formats and nothing else: it never touches our models. The product hands it a ``ShopConnection``
(its URL, credentials and options) and plain values; it answers with plain values or raises ``PlatformError``.

- Orders in: ``webhook_verify`` and ``webhook_identify`` on every delivery, before anything is stored;
  ``delivery_map`` turns a stored delivery into an ``OrderEvent`` (or None: a topic with nothing for us);
  ``orders_fetch`` pages through the order API for the backfill (``manage.py shop_sync``), updated since
  ``since``, oldest update first; ``order_fetch`` reads one order again (after a refund made in the shop).
- Money out: ``refund_create`` and ``credit_create`` are called by the outbox worker, any number of times for the
  same ``RefundOrder``/``CreditOrder``: each must find what an earlier call created (by our reference) before
  creating anything, so that a retry after a timeout, a 500 or a killed worker never refunds twice.
- Stock: ``variants`` reads the variants and stock of a product for exchanges.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from rma.integrations.shop import Variant


class PlatformError(Exception):
    """The platform refused or failed a call.

    ``permanent``: retrying the same call cannot help (a 4xx other than 408/409/425/429, a refusal in the body);
    ``retry_after``: seconds the platform asked us to wait (429 ``Retry-After``, Shopify's throttle status).
    """

    def __init__(
        self, message: str, *, status: int | None = None, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.permanent = permanent
        self.retry_after = retry_after


class MappingError(ValueError):
    """A delivery's payload cannot be understood as the platform documents it; the message says what is wrong."""


class WebhookIgnored(Exception):
    """A well-signed request that carries no event (WooCommerce's ping when a webhook is created): answer 200,
    store nothing."""


@dataclass(frozen=True)
class WebhookDelivery:
    """Who the platform says a delivery is: its own delivery id (the inbox dedupes on it) and its topic."""

    delivery_id: str
    topic: str


@dataclass(frozen=True)
class OrderLineData:
    """One line as the platform sold it. ``unit_price`` is what the customer paid per unit, after discounts,
    taxes included (what a refund gives back); ``unit_tax`` the tax in it."""

    line_ref: str  # the platform's line item id (refunds name lines by it)
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    unit_tax: Decimal = Decimal("0.00")
    product_ref: str = ""
    variant_ref: str = ""
    category: str = ""  # the platform's product type or category name; mapped by the connection's category_map
    size: str = ""
    colour: str = ""
    refunded_quantity: int = 0  # units already refunded in the shop (they cannot be returned for money again)
    unit_weight_g: int | None = None  # one unit's weight as the platform publishes it, in grams; None: not published


@dataclass(frozen=True)
class OrderData:
    """A whole order as the platform describes it (created, updated, or read by the backfill)."""

    order_ref: str  # the platform's order id
    number: str
    placed_at: datetime
    updated_at: datetime | None
    customer_email: str
    currency: str
    lines: list[OrderLineData]
    customer_name: str = ""
    customer_phone: str = ""
    locale: str = ""
    address_line1: str = ""
    address_line2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    delivered_at: datetime | None = None
    cancelled: bool = False
    # Platform ids the money-out calls need later (Shopify's order GID, WooCommerce's line tax ids…).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderDelivered:
    """The platform says an order (or part of it) reached the customer: the delivery date for the return window."""

    order_ref: str
    delivered_at: datetime


@dataclass(frozen=True)
class OrderRefundedInShop:
    """A refund made in the shop itself. ``reference`` is the note or metadata it carries: when it is one of our
    refund ids, it is our own refund coming back and changes nothing."""

    order_ref: str
    refund_ref: str
    reference: str
    lines: dict[str, int]  # line_ref -> units refunded


OrderEvent = OrderData | OrderDelivered | OrderRefundedInShop


@dataclass(frozen=True)
class OrdersPage:
    """One page of the backfill: the orders, and the cursor of the next page ("" when this was the last)."""

    orders: list[OrderData]
    next_cursor: str
    total: int | None = None  # when the platform tells it (for the progress bar)
    # Orders of this page that could not be read ("<order_ref>: <why>"): reported, and the run goes on.
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MoneyLine:
    """A line of a refund: the platform's line id, how many units, how many of them go back to stock."""

    line_ref: str
    sku: str
    quantity: int
    restock_quantity: int
    amount: Decimal  # what this line gives back, taxes included


@dataclass(frozen=True)
class RefundOrder:
    """Create this refund in the shop, once: ``reference`` (our refund's public id) marks it there."""

    reference: str
    order_ref: str
    amount: Decimal
    currency: str
    lines: list[MoneyLine]
    reason: str
    rma_number: str
    order_extra: dict[str, Any] = field(default_factory=dict)  # OrderData.extra as stored

    def as_payload(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "order_ref": self.order_ref,
            "amount": str(self.amount),
            "currency": self.currency,
            "reason": self.reason,
            "rma_number": self.rma_number,
            "order_extra": self.order_extra,
            "lines": [
                {
                    "line_ref": line.line_ref,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "restock_quantity": line.restock_quantity,
                    "amount": str(line.amount),
                }
                for line in self.lines
            ],
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> "RefundOrder":
        return cls(
            reference=payload["reference"],
            order_ref=payload["order_ref"],
            amount=Decimal(payload["amount"]),
            currency=payload["currency"],
            reason=payload.get("reason", ""),
            rma_number=payload.get("rma_number", ""),
            order_extra=dict(payload.get("order_extra") or {}),
            lines=[
                MoneyLine(
                    line_ref=line["line_ref"],
                    sku=line["sku"],
                    quantity=int(line["quantity"]),
                    restock_quantity=int(line["restock_quantity"]),
                    amount=Decimal(line["amount"]),
                )
                for line in payload.get("lines", [])
            ],
        )


@dataclass(frozen=True)
class CreditOrder:
    """Create this store credit in the shop, once: a gift card, coupon or cart rule whose code is ``code``."""

    reference: str  # our store credit's public id
    code: str
    amount: Decimal
    currency: str
    customer_email: str
    customer_name: str
    expires_at: datetime | None
    rma_number: str
    order_ref: str = ""

    def as_payload(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "code": self.code,
            "amount": str(self.amount),
            "currency": self.currency,
            "customer_email": self.customer_email,
            "customer_name": self.customer_name,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "rma_number": self.rma_number,
            "order_ref": self.order_ref,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> "CreditOrder":
        expires = payload.get("expires_at")
        return cls(
            reference=payload["reference"],
            code=payload["code"],
            amount=Decimal(payload["amount"]),
            currency=payload["currency"],
            customer_email=payload.get("customer_email", ""),
            customer_name=payload.get("customer_name", ""),
            expires_at=datetime.fromisoformat(expires) if expires else None,
            rma_number=payload.get("rma_number", ""),
            order_ref=payload.get("order_ref", ""),
        )


@dataclass(frozen=True)
class PlatformRecord:
    """What the platform created (or had already created): its id, and the kind ("refund", "gift_card", …)."""

    kind: str
    ref: str
    created: bool  # False: an earlier call had created it, found by our reference


class Connector(Protocol):
    """One platform's API, for one connection (see the module doc for the contract of each method)."""

    platform: str
    # Whether the platform pushes order webhooks; a platform that does not (PrestaShop) is polled by beat.
    pushes_orders: bool

    def webhook_verify(self, *, headers: Mapping[str, str], body: bytes) -> bool: ...

    def webhook_identify(self, *, headers: Mapping[str, str], body: bytes) -> WebhookDelivery: ...

    def delivery_map(self, *, topic: str, payload: Any) -> OrderEvent | None: ...

    def orders_fetch(self, *, since: datetime, cursor: str) -> OrdersPage: ...

    def order_fetch(self, *, order_ref: str) -> OrderData | None: ...

    def refund_create(self, *, refund: RefundOrder) -> PlatformRecord: ...

    def credit_create(self, *, credit: CreditOrder) -> PlatformRecord: ...

    def variants(self, *, product_ref: str, variant_ref: str, sku: str) -> list["Variant"]: ...


# Keep ShopConnection importable for the Protocol's users under type checking only.
__all__ = [
    "Connector",
    "CreditOrder",
    "MappingError",
    "MoneyLine",
    "OrderData",
    "OrderDelivered",
    "OrderEvent",
    "OrderLineData",
    "OrderRefundedInShop",
    "OrdersPage",
    "PlatformError",
    "PlatformRecord",
    "RefundOrder",
    "WebhookDelivery",
    "WebhookIgnored",
]
