"""Which exchanges a customer may ask for: one rule for the portal, the API and the shop's counter.

An exchange is for another variant (size, colour) of the same product, known to the shop's catalogue, in stock
when the shop client has a stock source (``ShopClient.stock_known``), and at the same price as the item returned
unless the policy allows a difference (``ReturnPolicy.exchange_price_difference_allowed``). A price is compared
only when the client knows both prices. Each refusal has a stable code:

- ``exchange_sku_required``: no SKU, or the SKU returned itself;
- ``exchange_unknown_sku``: nothing is known of the SKU;
- ``exchange_other_product``: the SKU is another product's;
- ``exchange_out_of_stock``: the shop says the variant is not available;
- ``exchange_price_differs``: the variant costs more or less than the item returned;
- ``exchange_unavailable``: the shop could not be asked, so nothing can be checked.
"""

import logging
from collections.abc import Sequence

from django.utils.translation import gettext as _

from rma.core.exceptions import NotEligible
from rma.core.formatting import money
from rma.integrations.shop import ShopClient, ShopUnavailable, Variant, shop_client_get
from rma.orders.models import OrderLine
from rma.returns.models import ReturnPolicy

logger = logging.getLogger(__name__)


class ExchangeRefused(NotEligible):
    """The variant asked for in exchange cannot be sent (see the module docstring for the codes)."""

    code = "exchange_refused"


def shop_stock_known(client: ShopClient) -> bool:
    """Whether the client's availability comes from a stock source (a client class without the flag: no)."""
    return bool(getattr(client, "stock_known", False))


def _variants(*, client: ShopClient, order_line: OrderLine) -> list[Variant]:
    """Every variant of the line's product, the line's own SKU included."""
    try:
        return client.variants_available(product_ref=order_line.product_ref, sku=order_line.sku)
    except ShopUnavailable as exc:
        raise ExchangeRefused(
            _("The shop cannot confirm an exchange right now. Try again later, or choose a refund or store credit."),
            code="exchange_unavailable",
        ) from exc


def _refusal(
    *, order_line: OrderLine, sku: str, variants: list[Variant], policy: ReturnPolicy, client: ShopClient
) -> ExchangeRefused | None:
    if not sku or sku == order_line.sku:
        return ExchangeRefused(_("Choose the size or colour you want in exchange."), code="exchange_sku_required")
    wanted = next((variant for variant in variants if variant.sku == sku), None)
    if wanted is None:
        if client.variant_for_sku(sku=sku) is None:
            return ExchangeRefused(
                _("%(sku)s is not a product we know. Choose another size or colour of the same product.")
                % {"sku": sku},
                code="exchange_unknown_sku",
            )
        return ExchangeRefused(
            _("%(sku)s is another product: an exchange is for another size or colour of the same product.")
            % {"sku": sku},
            code="exchange_other_product",
        )
    if shop_stock_known(client) and not wanted.available:
        return ExchangeRefused(
            _("%(sku)s is out of stock. Choose another size or colour, or a refund.") % {"sku": sku},
            code="exchange_out_of_stock",
        )
    returned = next((variant for variant in variants if variant.sku == order_line.sku), None)
    if (
        not policy.exchange_price_difference_allowed
        and wanted.price is not None
        and returned is not None
        and returned.price is not None
        and wanted.price != returned.price
    ):
        return ExchangeRefused(
            _(
                "%(sku)s costs %(wanted)s, not %(returned)s like the item returned: an exchange must be at the same "
                "price. Choose a refund and order it instead."
            )
            % {
                "sku": sku,
                "wanted": money(wanted.price, order_line.order.currency),
                "returned": money(returned.price, order_line.order.currency),
            },
            code="exchange_price_differs",
            extra={"price": str(wanted.price), "returned_price": str(returned.price)},
        )
    return None


def exchange_check(
    *, order_line: OrderLine, exchange_sku: str, policy: ReturnPolicy, client: ShopClient | None = None
) -> Variant:
    """The variant the customer may get instead of `order_line`'s item, or ExchangeRefused saying why not."""
    client = client or shop_client_get()
    variants = _variants(client=client, order_line=order_line)
    refusal = _refusal(order_line=order_line, sku=exchange_sku, variants=variants, policy=policy, client=client)
    if refusal is not None:
        raise refusal
    return next(variant for variant in variants if variant.sku == exchange_sku)


def exchange_choices(
    *, order_line: OrderLine, policy: ReturnPolicy, client: ShopClient | None = None
) -> list[Variant]:
    """The variants `exchange_check` would accept for the line, to offer them; none when the shop cannot be asked."""
    client = client or shop_client_get()
    try:
        variants = _variants(client=client, order_line=order_line)
    except ExchangeRefused:
        logger.warning("shop variants unavailable for a product; exchange not offered")
        return []
    return [
        variant
        for variant in variants
        if _refusal(order_line=order_line, sku=variant.sku, variants=variants, policy=policy, client=client) is None
    ]


def exchanges_check(*, items: Sequence[tuple[OrderLine, str]], policy: ReturnPolicy) -> None:
    """Check each (order line, SKU asked for) of a return; refuse with the first refusal, listing all of them."""
    client = shop_client_get()
    refusals: dict[str, dict[str, str]] = {}
    first: ExchangeRefused | None = None
    for order_line, exchange_sku in items:
        try:
            exchange_check(order_line=order_line, exchange_sku=exchange_sku, policy=policy, client=client)
        except ExchangeRefused as refusal:
            first = first or refusal
            # Keyed by the order line's external id, which API clients know (as in the documented example).
            refusals[order_line.external_id] = {"code": refusal.code, "message": refusal.message}
    if first is not None:
        raise ExchangeRefused(first.message, code=first.code, extra={**first.extra, "lines": refusals})
