"""The demo shop: the product's local client, plus every variant of the demo catalogue.

Selected by ``RMA_SHOP_CLIENT`` in the local and test settings, so that a demo customer is offered the sizes
and colours of the catalogue even when no order has contained them yet.
"""

from decimal import Decimal
from typing import Any

from rma.demo.geography import PRODUCT_CATALOGUE, product_for_sku
from rma.integrations.shop import CatalogueShopClient, Variant, variants_sorted


def _catalogue_product(*, product_ref: str, sku: str) -> dict[str, Any] | None:
    known = product_for_sku(sku)
    if known is not None:
        return known[0]
    if product_ref:
        return next((product for product in PRODUCT_CATALOGUE if product["product_ref"] == product_ref), None)
    return None


class DemoShopClient(CatalogueShopClient):
    """The demo catalogue first (with its prices), then what order lines say. Every variant is reported as
    available: the demo has no stock source."""

    def variants_available(self, *, product_ref: str, sku: str) -> list[Variant]:
        found: dict[str, Variant] = {}
        product = _catalogue_product(product_ref=product_ref, sku=sku)
        if product is not None:
            for variant in product["variants"]:
                found[variant["sku"]] = Variant(
                    variant["sku"], variant["size"], variant["colour"], True, Decimal(variant["price"])
                )
        for variant in super().variants_available(product_ref=product_ref, sku=sku):
            found.setdefault(variant.sku, variant)
        return variants_sorted(found.values())

    def variant_for_sku(self, *, sku: str) -> Variant | None:
        known = product_for_sku(sku)
        if known is not None:
            variant = known[1]
            return Variant(sku, variant["size"], variant["colour"], True, Decimal(variant["price"]))
        return super().variant_for_sku(sku=sku)
