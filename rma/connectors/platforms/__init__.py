"""The connector of each platform, by the platform's name (rma.connectors.choices.Platform)."""

from typing import TYPE_CHECKING

import requests
from django.utils.module_loading import import_string

from rma.connectors.platforms.base import Connector

if TYPE_CHECKING:
    from rma.connectors.models import ShopConnection

CONNECTORS = {
    "shopify": "rma.connectors.platforms.shopify.ShopifyConnector",
    "woocommerce": "rma.connectors.platforms.woocommerce.WooCommerceConnector",
    "prestashop": "rma.connectors.platforms.prestashop.PrestaShopConnector",
}


def connector_for(connection: "ShopConnection", *, session: requests.Session | None = None) -> Connector:
    """The connector that speaks `connection`'s platform, for that connection."""
    connector_class = import_string(CONNECTORS[connection.platform])
    connector: Connector = connector_class(connection, session=session)
    return connector
