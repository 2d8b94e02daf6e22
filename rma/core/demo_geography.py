"""Transitional: the portal's ``sku_label`` still imports ``product_for_sku`` from here.

The demo data lives in ``rma.demo``, which product code must not import. Until the portal calls
``shop_client_get().variant_for_sku(sku=...)`` itself, this answers through the configured shop client (the
demo catalogue in the local and test settings). Delete this module then.
"""

from typing import Any


def product_for_sku(sku: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(product, variant) in the shape the portal reads (``variant["size"]``, ``variant["colour"]``), or None."""
    from rma.integrations.shop import shop_client_get  # transitional, see the module docstring

    variant = shop_client_get().variant_for_sku(sku=sku)
    if variant is None:
        return None
    return {}, {"sku": variant.sku, "size": variant.size, "colour": variant.colour}
