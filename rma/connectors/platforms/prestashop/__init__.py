"""PrestaShop (1.7, 8, 9) through its webservice: orders polled, credit slips and cart rules out, stock read.

PrestaShop sends no webhooks (no core feature; only third-party modules do): ``pushes_orders`` is False, every
delivery posted to our webhook endpoint is refused, and beat's ``rma.connectors.poll`` reads the orders updated
since the last poll (``orders_fetch``, see orders.py). See api.py for the webservice's formats, orders.py for the
orders, money.py for refunds (credit slips), restocking and store credit (cart rules).

Sources: devdocs.prestashop-project.org/8/webservice/ (getting-started, cheat-sheet, resources/*) and the
PrestaShop/PrestaShop repository (classes/webservice/WebserviceRequest.php, classes/order/*.php,
classes/CartRule.php, classes/stock/StockAvailable.php, classes/Combination.php).
"""

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import requests

from rma.connectors.platforms.base import (
    CreditOrder,
    MappingError,
    OrderData,
    OrderEvent,
    OrdersPage,
    PlatformError,
    PlatformRecord,
    RefundOrder,
    WebhookDelivery,
    WebhookIgnored,
)
from rma.connectors.platforms.http import PlatformHttp
from rma.connectors.platforms.prestashop.api import Webservice, association
from rma.connectors.platforms.prestashop.money import MoneyWriter
from rma.connectors.platforms.prestashop.orders import CENT, OrderReader, money

if TYPE_CHECKING:
    from rma.connectors.models import ShopConnection
    from rma.integrations.shop import Variant

# Seconds the backfill and the polling may wait out 429s; money-out calls never wait (the outbox reschedules).
READ_WAIT_BUDGET = 120.0


class PrestaShopConnector:
    platform = "prestashop"
    pushes_orders = False

    def __init__(self, connection: "ShopConnection", *, session: requests.Session | None = None) -> None:
        self.connection = connection
        self.options: dict[str, Any] = dict(connection.options or {})
        self.session = session

    def _api(self, wait_budget: float) -> Webservice:
        return Webservice(
            base_url=self.connection.base_url,
            key=self.connection.credential("api_key"),
            http=PlatformHttp(session=self.session or requests.Session(), wait_budget=wait_budget),
            key_in_query=bool(self.options.get("key_in_query")),
        )

    # --- webhooks: PrestaShop has none -------------------------------------------------------------------------
    def webhook_verify(self, *, headers: Mapping[str, str], body: bytes) -> bool:
        """Nothing is signed by PrestaShop: whatever is posted to this connection's endpoint is refused."""
        return False

    def webhook_identify(self, *, headers: Mapping[str, str], body: bytes) -> WebhookDelivery:
        raise WebhookIgnored("PrestaShop sends no webhooks; its orders are polled.")

    def delivery_map(self, *, topic: str, payload: Any) -> OrderEvent | None:
        raise MappingError("PrestaShop sends no webhooks: nothing can be mapped from a delivery.")

    # --- orders -----------------------------------------------------------------------------------------------
    def orders_fetch(self, *, since: datetime, cursor: str) -> OrdersPage:
        return OrderReader(self._api(READ_WAIT_BUDGET), self.options).page(since=since, cursor=cursor)

    def order_fetch(self, *, order_ref: str) -> OrderData | None:
        return OrderReader(self._api(READ_WAIT_BUDGET), self.options).one(order_ref)

    # --- money out --------------------------------------------------------------------------------------------
    def refund_create(self, *, refund: RefundOrder) -> PlatformRecord:
        return MoneyWriter(self._api(0.0), self.options).refund(refund)

    def credit_create(self, *, credit: CreditOrder) -> PlatformRecord:
        return MoneyWriter(self._api(0.0), self.options).credit(credit)

    # --- stock ------------------------------------------------------------------------------------------------
    def variants(self, *, product_ref: str, variant_ref: str, sku: str) -> list["Variant"]:
        """Every combination of the product, with its size and colour, its stock (``stock_availables``) and its
        price with taxes (the webservice's ``price[...][use_tax]=1`` on combinations)."""
        from rma.integrations.shop import Variant

        if not product_ref.isdigit():
            raise PlatformError(f"Not a PrestaShop product id: {product_ref!r}", permanent=True)
        reader = OrderReader(self._api(0.0), self.options)
        api = reader.api
        stock = {
            str(row.get("id_product_attribute")): int(row.get("quantity") or 0)
            for row in api.list("stock_availables", filters={"id_product": f"[{product_ref}]"})
        }
        combinations = api.list(
            "combinations",
            filters={"id_product": f"[{product_ref}]"},
            extra={"price[rma_price][use_tax]": "1"},
        )
        if not combinations:  # a product without combinations is its own only variant
            product = api.list(
                "products", filters={"id": f"[{product_ref}]"}, extra={"price[rma_price][use_tax]": "1"}
            )
            if not product:
                return []
            price = product[0].get("rma_price")
            return [
                Variant(
                    sku=str(product[0].get("reference") or sku),
                    size="",
                    colour="",
                    available=stock.get("0", 0) > 0,
                    price=money(price).quantize(CENT) if price not in (None, "") else None,
                )
            ]
        variants = []
        for combination in combinations:
            values = association(combination, "product_option_values", "product_option_value")
            size, colour = reader.value_options([str(v.get("id")) for v in values], "")
            price = combination.get("rma_price")
            variants.append(
                Variant(
                    sku=str(combination.get("reference") or (sku if str(combination["id"]) == variant_ref else "")),
                    size=size,
                    colour=colour,
                    available=stock.get(str(combination["id"]), 0) > 0,
                    price=money(price).quantize(CENT) if price not in (None, "") else None,
                )
            )
        return variants


__all__ = ["PrestaShopConnector"]
