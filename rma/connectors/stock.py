"""Variants and stock for exchanges, read from the shop platform the product was sold through.

The router below is what ``shop_client_get`` offers when shop connections are enabled: for a SKU it finds the
connection of the latest order that sold it, and asks that platform; a SKU no connected shop sold falls back to
what our own orders know (``CatalogueShopClient``).
"""

from rma.connectors.models import ShopConnection
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import PlatformError
from rma.integrations.shop import CatalogueShopClient, ShopUnavailable, Variant, variants_sorted
from rma.orders.models import OrderLine


class ConnectionShopClient:
    """Asks the platform of the connection that sold the SKU (see the module doc)."""

    stock_known = True

    def __init__(self) -> None:
        self.fallback = CatalogueShopClient()

    def _sold_by(self, sku: str) -> tuple[ShopConnection, OrderLine] | None:
        line = (
            OrderLine.objects.filter(sku=sku, order__shop_link__connection__enabled=True)
            .select_related("order__shop_link__connection")
            .order_by("-order__placed_at", "-id")
            .first()
        )
        if line is None:
            return None
        return line.order.shop_link.connection, line

    def variants_available(self, *, product_ref: str, sku: str) -> list[Variant]:
        sold = self._sold_by(sku)
        if sold is None:
            return self.fallback.variants_available(product_ref=product_ref, sku=sku)
        connection, line = sold
        try:
            variants = connector_for(connection).variants(
                product_ref=product_ref or line.product_ref, variant_ref=line.variant_ref, sku=sku
            )
        except PlatformError as exc:
            raise ShopUnavailable(str(exc)) from exc
        return variants_sorted(variants)

    def variant_for_sku(self, *, sku: str) -> Variant | None:
        return self.fallback.variant_for_sku(sku=sku)


def connection_shop_client() -> ConnectionShopClient | None:
    """The provider registered with rma.integrations.shop: a client when a shop connection is enabled."""
    if not ShopConnection.objects.filter(enabled=True).exists():
        return None
    return ConnectionShopClient()
