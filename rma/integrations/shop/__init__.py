"""The shop's product data: which variants of a product exist and can be sent in exchange."""

from rma.integrations.shop.client import (
    CatalogueShopClient,
    HttpShopClient,
    ShopClient,
    ShopUnavailable,
    Variant,
    exchange_options,
    shop_client_get,
)

__all__ = [
    "CatalogueShopClient",
    "HttpShopClient",
    "ShopClient",
    "ShopUnavailable",
    "Variant",
    "exchange_options",
    "shop_client_get",
]
