"""Variants and stock for exchanges, read from the shop platform the product was sold through.

The router below is what ``shop_client_get`` offers when shop connections are enabled: for a SKU it finds the
enabled connection whose orders sold it last (``ShopSku``, kept as the platforms' orders come in), and asks that
platform; a SKU no connected shop sold falls back to what our own orders know (``CatalogueShopClient``).
"""

from rma.connectors.models import ShopConnection, ShopSku
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import PlatformError
from rma.integrations.shop import CatalogueShopClient, ShopUnavailable, Variant, variants_sorted


class ConnectionShopClient:
    """Asks the platform of the connection that sold the SKU (see the module doc)."""

    stock_known = True

    def __init__(self) -> None:
        self.fallback = CatalogueShopClient()

    def _sold_by(self, sku: str) -> ShopSku | None:
        return (
            ShopSku.objects.filter(sku=sku, connection__enabled=True)
            .select_related("connection")
            .order_by("-last_sold_at", "-id")
            .first()
        )

    def variants_available(self, *, product_ref: str, sku: str) -> list[Variant]:
        sold = self._sold_by(sku)
        if sold is None:
            return self.fallback.variants_available(product_ref=product_ref, sku=sku)
        try:
            variants = connector_for(sold.connection).variants(
                product_ref=product_ref or sold.product_ref, variant_ref=sold.variant_ref, sku=sku
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
