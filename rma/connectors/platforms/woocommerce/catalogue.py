"""What WooCommerce's order lines leave to their products: the category and the weight of a unit.

An order line names its ``product_id`` and ``variation_id`` only (``_orders.md``); the product carries its
``categories`` and ``weight`` (``_products.md``), a variation its own ``weight`` (``_product-variations.md``: in
the ``view`` context WooCommerce answers the parent's weight when the variation has none). A weight is a string in
the store's unit, the setting ``woocommerce_weight_unit`` (kg, g, lbs, oz; ``GET settings/products/<id>``), or
``""`` when never entered. The reads are bounded: one ``products?include=`` request per 100 products of the
orders, one ``products/<id>/variations?include=`` per variable product sold, the unit once per shop an hour (or
the connection's option ``weight_unit``). A weight that cannot be read is no weight: never a reason to refuse an order.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from rma.connectors.platforms.base import PlatformError
from rma.connectors.platforms.weights import grams, unit_known
from rma.connectors.platforms.woocommerce.mapping import category_of, line_key, product_ids
from rma.core.shared_cache import shared_cache_get, shared_cache_set

if TYPE_CHECKING:
    import requests

    from rma.connectors.platforms.http import PlatformHttp

logger = logging.getLogger(__name__)
MAX_PER_PAGE = 100
WEIGHT_UNIT_SETTING = "settings/products/woocommerce_weight_unit"
# The store's unit is read once an hour per shop (each webhook delivery has a connector of its own); a shop that
# changes it converts its weights in a while, and meanwhile weights stay as the old unit read them.
WEIGHT_UNIT_SECONDS = 3600
WEIGHT_UNIT_WHAT = "WooCommerce weight unit"

Request = Callable[..., "requests.Response"]
Optional = Callable[..., Any]


@dataclass
class Catalogue:
    categories: dict[str, str] = field(default_factory=dict)  # product id -> category name
    weights: dict[str, int] = field(default_factory=dict)  # line_key(product, variation) -> grams


def _variations_sold(payloads: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """Variation ids of the orders' lines, by their product id."""
    sold: dict[str, set[str]] = {}
    for payload in payloads:
        for line in payload.get("line_items") or []:
            if isinstance(line, dict) and line.get("product_id") and line.get("variation_id"):
                sold.setdefault(str(line["product_id"]), set()).add(str(line["variation_id"]))
    return sold


class CatalogueReader:
    """Reads, for one connector, what its orders' lines leave to their products."""

    def __init__(
        self,
        *,
        request: Request,
        json_list: Callable[["requests.Response"], list[dict[str, Any]]],
        optional: Optional,
        options: dict[str, Any],
        shop: str,
        shop_url: str,
    ) -> None:
        self.request = request
        self.json_list = json_list
        self.optional = optional
        self.options = options
        self.shop = shop
        self.shop_url = shop_url
        self.unit: str | None = None
        self.unit_read = False

    def read(self, payloads: list[dict[str, Any]], http: "PlatformHttp", *, strict: bool) -> Catalogue:
        """The catalogue of these orders. `strict` (the backfill): a passing failure of the products' read is
        raised, so the page is read again; otherwise the orders come in without categories and weights."""
        ids = sorted({ident for payload in payloads for ident in product_ids(payload)})
        products = self.optional(partial(self._products, ids, http), "products", always=not strict) or []
        catalogue = Catalogue()
        raw: dict[str, Any] = {}
        for product in products:
            ident = str(product.get("id"))
            category = category_of(product, self.options.get("category_map"))
            if category:
                catalogue.categories[ident] = category
            raw[line_key(ident, "")] = product.get("weight")
        for parent, variation_ids in sorted(_variations_sold(payloads).items()):
            read = partial(self._variations, parent, sorted(variation_ids), http)
            for variation in self.optional(read, "variations", always=True) or []:
                raw[line_key(parent, str(variation.get("id")))] = variation.get("weight")
        if any(str(value or "").strip() for value in raw.values()):
            unit = self.weight_unit(http)
            catalogue.weights = {key: g for key, value in raw.items() if (g := grams(value, unit)) is not None}
        return catalogue

    def _products(self, ids: list[str], http: "PlatformHttp") -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), MAX_PER_PAGE):
            chunk = ids[start : start + MAX_PER_PAGE]
            params = {"include": ",".join(chunk), "per_page": MAX_PER_PAGE}
            found.extend(self.json_list(self.request(http, "GET", "products", params=params)))
        return found

    def _variations(self, parent: str, ids: list[str], http: "PlatformHttp") -> list[dict[str, Any]]:
        params = {"include": ",".join(ids[:MAX_PER_PAGE]), "per_page": MAX_PER_PAGE}
        return self.json_list(self.request(http, "GET", f"products/{int(parent)}/variations", params=params))

    def weight_unit(self, http: "PlatformHttp") -> str | None:
        """The store's weight unit: the connection's option ``weight_unit``, else the shop's setting (read once)."""
        configured = str(self.options.get("weight_unit") or "").strip()
        if configured:
            return configured if unit_known(configured) else None
        if not self.unit_read:
            self.unit_read = True
            key = f"rma:woocommerce:weight-unit:{self.shop_url}"
            self.unit = shared_cache_get(key, what=WEIGHT_UNIT_WHAT)
            if self.unit is None:
                answer = self.optional(partial(self._unit_setting, http), "weight unit", always=True)
                self.unit = answer if unit_known(answer) else None
                if self.unit is not None:
                    shared_cache_set(key, self.unit, timeout=WEIGHT_UNIT_SECONDS, what=WEIGHT_UNIT_WHAT)
                elif answer is not None:
                    logger.warning("WooCommerce %s: weight unit %r is not one we convert", self.shop, answer)
        return self.unit

    def _unit_setting(self, http: "PlatformHttp") -> str:
        try:
            setting = self.request(http, "GET", WEIGHT_UNIT_SETTING).json()
        except ValueError as exc:
            raise PlatformError(f"{WEIGHT_UNIT_SETTING}: the answer is not JSON.", permanent=True) from exc
        return str(setting.get("value") or "") if isinstance(setting, dict) else ""
