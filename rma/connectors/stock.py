"""Variants and stock for exchanges, read from the shop platform the product was sold through.

The router below is what ``shop_client_get`` offers when shop connections are enabled: for a SKU it finds the
enabled connection whose orders sold it last (``ShopSku``, kept as the platforms' orders come in), and asks that
platform; a SKU no connected shop sold falls back to what our own orders know (``CatalogueShopClient``).
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from rma.connectors.models import ShopConnection, ShopSku
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import PlatformError
from rma.integrations.shop import CatalogueShopClient, ShopUnavailable, Variant, variants_sorted


class ConnectionShopClient:
    """Asks the platform of the connection that sold the SKU (see the module doc).

    A client lives for one request (``shop_client_get`` makes one per call): what it learns is kept for that request.
    """

    stock_known = True

    def __init__(self) -> None:
        self.fallback = CatalogueShopClient()
        # By SKU, the latest sale by an enabled shop (None: no shop sold it), once a page's lines are read ahead.
        self.sold: dict[str, ShopSku | None] = {}
        # The platforms' answers, by connection and product: two sizes of one product ask the platform once.
        self.answers: dict[tuple[int, str, str, str], list[Variant]] = {}

    def _sold_by(self, sku: str) -> ShopSku | None:
        if sku in self.sold:
            return self.sold[sku]
        return self._latest_sales(ShopSku.objects.filter(sku=sku)).first()

    @staticmethod
    def _latest_sales(rows: QuerySet[ShopSku]) -> QuerySet[ShopSku]:
        return (
            rows.filter(connection__enabled=True).select_related("connection").order_by("sku", "-last_sold_at", "-id")
        )

    def variants_read_ahead(self, *, lines: Iterable[tuple[str, str]]) -> None:
        """Read which shop sold each of several lines' SKUs (each line's (product_ref, sku)) in one query, and what
        our own orders know of the others in one more, for the calls of variants_available that follow."""
        lines = list(lines)
        skus = {sku for _product_ref, sku in lines}
        for sold in self._latest_sales(ShopSku.objects.filter(sku__in=skus)):
            self.sold.setdefault(sold.sku, sold)  # the first of each SKU is its latest sale
        for sku in skus:
            self.sold.setdefault(sku, None)
        unsold = [(product_ref, sku) for product_ref, sku in lines if self.sold[sku] is None]
        if unsold:
            self.fallback.variants_read_ahead(lines=unsold)

    def variants_available(self, *, product_ref: str, sku: str) -> list[Variant]:
        sold = self._sold_by(sku)
        if sold is None:
            return self.fallback.variants_available(product_ref=product_ref, sku=sku)
        product_ref = product_ref or sold.product_ref
        # A product's variants do not depend on which of them is asked about; without a product, the variant says.
        key = (
            (sold.connection_id, product_ref, "", "")
            if product_ref
            else (sold.connection_id, "", sold.variant_ref, sku)
        )
        if key not in self.answers:
            try:
                variants = connector_for(sold.connection).variants(
                    product_ref=product_ref, variant_ref=sold.variant_ref, sku=sku
                )
            except PlatformError as exc:
                raise ShopUnavailable(str(exc)) from exc
            self.answers[key] = variants_sorted(variants)
        return self.answers[key]

    def variant_for_sku(self, *, sku: str) -> Variant | None:
        return self.fallback.variant_for_sku(sku=sku)


def connection_shop_client() -> ConnectionShopClient | None:
    """The provider registered with rma.integrations.shop: a client when a shop connection is enabled."""
    if not ShopConnection.objects.filter(enabled=True).exists():
        return None
    return ConnectionShopClient()
