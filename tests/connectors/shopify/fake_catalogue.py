"""The fake Shopify's answers about orders and products, built from its REST order JSON."""

import base64
import re
import threading
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

# The selection of a variant's weight: ``inventoryItem { measurement { weight { unit value } } }``.
WEIGHT_ASKED = re.compile(
    r"inventoryItem\s*\{[^}]*measurement\s*\{[^}]*weight\s*\{\s*(unit\s+value|value\s+unit)\s*\}"
)


class ShopState:
    """What the answers read and change (set up by FakeShopify)."""

    lock: threading.RLock
    orders: dict[str, dict[str, Any]]
    transactions: dict[str, list[dict[str, Any]]]
    products: dict[str, dict[str, Any]]
    gift_cards: list[dict[str, Any]]
    discounts: list[dict[str, Any]]
    gift_cards_enabled: bool
    search_lag: bool
    query: str  # the text of the request being answered

    def next_id(self) -> int:
        raise NotImplementedError


def _z(value: str | None) -> str | None:
    """A REST timestamp as GraphQL writes it (UTC, Z)."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(amount: Any, currency: str = "EUR") -> dict[str, Any]:
    return {"shopMoney": {"amount": str(Decimal(str(amount)).quantize(Decimal("0.01"))), "currencyCode": currency}}


class CatalogueAnswers(ShopState):
    # ---- queries

    def _order_node(self, rest: dict[str, Any]) -> dict[str, Any]:
        currency = rest["currency"]
        ref = str(rest["id"])

        def address(a: dict[str, Any] | None) -> dict[str, Any] | None:
            if not a:
                return None
            return {
                "name": a.get("name"),
                "firstName": a.get("first_name"),
                "lastName": a.get("last_name"),
                "address1": a.get("address1"),
                "address2": a.get("address2"),
                "zip": a.get("zip"),
                "city": a.get("city"),
                "countryCodeV2": a.get("country_code"),
                "phone": a.get("phone"),
            }

        lines = []
        for item in rest["line_items"]:
            quantity = item["quantity"]
            discount = sum((Decimal(a["amount"]) for a in item.get("discount_allocations", [])), Decimal(0))
            product = self.products.get(str(item["product_id"])) or {}
            lines.append(
                {
                    "id": f"gid://shopify/LineItem/{item['id']}",
                    "sku": item.get("sku"),
                    "name": item.get("name"),
                    "title": item.get("title"),
                    "variantTitle": item.get("variant_title"),
                    "quantity": quantity,
                    "originalUnitPriceSet": _money(item["price"], currency),
                    "discountedUnitPriceAfterAllDiscountsSet": _money(
                        Decimal(item["price"]) - discount / quantity, currency
                    ),
                    "taxLines": [
                        {"rate": t["rate"], "title": t["title"], "priceSet": _money(t["price"], currency)}
                        for t in item.get("tax_lines", [])
                    ],
                    "variant": self._variant_node(item) if item.get("variant_id") else None,
                    "product": {
                        "id": f"gid://shopify/Product/{item['product_id']}",
                        "productType": product.get("productType", ""),
                    }
                    if item.get("product_id")
                    else None,
                }
            )
        refunds = [
            {
                "id": f"gid://shopify/Refund/{r['id']}",
                "note": r.get("note"),
                "createdAt": _z(r.get("created_at")),
                "refundLineItems": {
                    "nodes": [
                        {
                            "quantity": i["quantity"],
                            "restockType": str(i.get("restock_type") or "no_restock").upper(),
                            "lineItem": {"id": f"gid://shopify/LineItem/{i['line_item_id']}"},
                        }
                        for i in r.get("refund_line_items", [])
                    ]
                },
            }
            for r in rest.get("refunds", [])
        ]
        fulfillments = [
            {
                "id": f"gid://shopify/Fulfillment/{f['id']}",
                "status": str(f.get("status", "success")).upper(),
                "displayStatus": "DELIVERED" if f.get("shipment_status") == "delivered" else "FULFILLED",
                "deliveredAt": _z(f.get("delivered_at")),
            }
            for f in rest.get("fulfillments", [])
        ]
        customer = rest.get("customer")
        return {
            "id": f"gid://shopify/Order/{ref}",
            "legacyResourceId": ref,
            "name": rest["name"],
            "email": rest.get("email"),
            "phone": rest.get("phone"),
            "createdAt": _z(rest["created_at"]),
            "updatedAt": _z(rest["updated_at"]),
            "cancelledAt": _z(rest.get("cancelled_at")),
            "currencyCode": currency,
            "presentmentCurrencyCode": rest.get("presentment_currency") or currency,
            "customerLocale": rest.get("customer_locale"),
            "taxesIncluded": rest.get("taxes_included", False),
            "customer": {
                "id": f"gid://shopify/Customer/{customer['id']}",
                "firstName": customer.get("first_name"),
                "lastName": customer.get("last_name"),
            }
            if customer
            else None,
            "shippingAddress": address(rest.get("shipping_address")),
            "billingAddress": address(rest.get("billing_address")),
            "lineItems": {"nodes": lines},
            "refunds": refunds,
            "fulfillments": fulfillments,
            "transactions": [
                {
                    "id": t["id"],
                    "kind": t["kind"],
                    "status": t["status"],
                    "gateway": t["gateway"],
                    "amountSet": _money(t["amount"], currency),
                    "parentTransaction": {"id": t["parent"]} if t["parent"] else None,
                }
                for t in self.transactions.get(ref, [])
            ],
        }

    def _variant_node(self, item: dict[str, Any]) -> dict[str, Any]:
        """A line's variant; its inventory item's weight only when the query asks for it (as GraphQL answers only
        what is asked): the variant's own weight when the shop has it, else the REST line's ``grams``. Shopify keeps
        a weight never entered as 0 in the shop's unit."""
        node: dict[str, Any] = {"id": f"gid://shopify/ProductVariant/{item['variant_id']}"}
        if not WEIGHT_ASKED.search(self.query):
            return node
        variants = (self.products.get(str(item.get("product_id"))) or {}).get("variants") or []
        own = next((v.get("weight") for v in variants if v["id"] == item["variant_id"] and v.get("weight")), None)
        weight = own or {"unit": "GRAMS", "value": float(item.get("grams") or 0)}
        node["inventoryItem"] = {
            "id": f"gid://shopify/InventoryItem/{item['variant_id']}",
            "measurement": {"id": f"gid://shopify/InventoryItemMeasurement/{item['variant_id']}", "weight": weight},
        }
        return node

    def _orders(self, variables: dict[str, Any]) -> dict[str, Any]:
        match = re.search(r"updated_at:>='([^']+)'", variables.get("query") or "")
        since = datetime.fromisoformat(match.group(1)) if match else None
        selected = sorted(
            (o for o in self.orders.values() if since is None or datetime.fromisoformat(o["updated_at"]) >= since),
            key=lambda o: (datetime.fromisoformat(o["updated_at"]), o["id"]),
        )
        start = int(base64.b64decode(variables["after"]).decode().split(":")[1]) if variables.get("after") else 0
        first = min(int(variables.get("first") or 50), 250)
        page = selected[start : start + first]
        end = start + len(page)
        return {
            "data": {
                "orders": {
                    "nodes": [
                        {"id": f"gid://shopify/Order/{o['id']}", "updatedAt": _z(o["updated_at"])} for o in page
                    ],
                    "pageInfo": {
                        "hasNextPage": end < len(selected),
                        "endCursor": base64.b64encode(f"cursor:{end}".encode()).decode() if page else None,
                    },
                }
            }
        }

    def _order(self, variables: dict[str, Any]) -> dict[str, Any]:
        ref = str(variables["id"]).rsplit("/", 1)[-1]
        order = self.orders.get(ref)
        if order is None:
            return {"data": {"order": None}}
        node = self._order_node(order)
        # lineItems(first: N, after: cursor), as the query asks
        size = re.search(r"lineItems\(first:\s*(\d+)", self.query)
        first = int(size.group(1)) if size else 250
        start = int(base64.b64decode(variables["after"]).decode().split(":")[1]) if variables.get("after") else 0
        lines = node["lineItems"]["nodes"]
        end = min(start + first, len(lines))
        node["lineItems"] = {
            "nodes": lines[start:end],
            "pageInfo": {
                "hasNextPage": end < len(lines),
                "endCursor": base64.b64encode(f"line:{end}".encode()).decode(),
            },
        }
        return {"data": {"order": node}}

    def _nodes(self, variables: dict[str, Any]) -> dict[str, Any]:
        nodes: list[dict[str, Any] | None] = []
        for value in variables.get("ids") or []:
            product = self.products.get(str(value).rsplit("/", 1)[-1]) if "/Product/" in str(value) else None
            nodes.append({"id": value, "productType": product["productType"]} if product else None)
        return {"data": {"nodes": nodes}}

    def _product(self, variables: dict[str, Any]) -> dict[str, Any]:
        ref = str(variables["id"]).rsplit("/", 1)[-1]
        product = self.products.get(ref)
        if product is None:
            return {"data": {"product": None}}
        return {
            "data": {
                "product": {
                    "id": f"gid://shopify/Product/{ref}",
                    "variants": {
                        "nodes": [
                            {
                                "id": f"gid://shopify/ProductVariant/{v['id']}",
                                "sku": v["sku"],
                                "price": v["price"],
                                "inventoryQuantity": v.get("inventoryQuantity"),
                                "availableForSale": v.get("inventoryQuantity", 0) > 0,
                                "selectedOptions": [{"name": n, "value": val} for n, val in v["options"].items()],
                            }
                            for v in product["variants"]
                        ]
                    },
                }
            }
        }

    def _productVariants(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        query = variables.get("query") or ""
        for ref, product in self.products.items():
            for v in product["variants"]:
                if query in (f"sku:{v['sku']}", f"id:{v['id']}"):
                    return {
                        "data": {
                            "productVariants": {
                                "nodes": [
                                    {
                                        "id": f"gid://shopify/ProductVariant/{v['id']}",
                                        "product": {"id": f"gid://shopify/Product/{ref}"},
                                    }
                                ]
                            }
                        }
                    }
        return {"data": {"productVariants": {"nodes": []}}}
