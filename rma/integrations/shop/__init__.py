"""The shop's product data: which variants of a product exist and can be sent in exchange."""

from rma.integrations.shop.client import (
    CatalogueShopClient,
    HttpShopClient,
    ShopClient,
    ShopUnavailable,
    Variant,
    exchange_options,
    order_line_variant,
    order_line_variants,
    shop_client_get,
    shop_client_provider_register,
    variants_sorted,
)

__all__ = [
    "CatalogueShopClient",
    "HttpShopClient",
    "ShopClient",
    "ShopUnavailable",
    "Variant",
    "exchange_options",
    "order_line_variant",
    "order_line_variants",
    "shop_client_get",
    "shop_client_provider_register",
    "variants_sorted",
]
