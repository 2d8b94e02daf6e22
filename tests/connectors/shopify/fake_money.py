"""The fake Shopify's answers to money mutations: refunds, gift cards, discount codes."""

import re
from decimal import Decimal
from typing import Any

from tests.connectors.shopify.fake_catalogue import ShopState


class MoneyAnswers(ShopState):
    # ---- money

    def _refundCreate(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        data = variables["input"]
        ref = str(data["orderId"]).rsplit("/", 1)[-1]
        order = self.orders.get(ref)

        def refused(field: list[str], message: str) -> dict[str, Any]:
            return {"data": {"refundCreate": {"refund": None, "userErrors": [{"field": field, "message": message}]}}}

        if order is None:
            return refused(["orderId"], "Order does not exist")
        lines = {f"gid://shopify/LineItem/{i['id']}": i for i in order["line_items"]}
        refunded: dict[int, int] = {}
        for r in order.get("refunds", []):
            for i in r["refund_line_items"]:
                refunded[i["line_item_id"]] = refunded.get(i["line_item_id"], 0) + i["quantity"]
        items = []
        for index, item in enumerate(data.get("refundLineItems") or []):
            line = lines.get(item["lineItemId"])
            if line is None:
                return refused(["refundLineItems", str(index), "lineItemId"], "Line item does not exist")
            if item.get("restockType", "RETURN") not in ("RETURN", "NO_RESTOCK", "CANCEL"):
                return refused(["refundLineItems", str(index), "restockType"], "Restock type is invalid")
            left = line["quantity"] - refunded.get(line["id"], 0)
            if item["quantity"] > left:
                return refused(
                    ["refundLineItems", str(index), "quantity"],
                    "Quantity cannot refund more items than were purchased",
                )
            refunded[line["id"]] = refunded.get(line["id"], 0) + item["quantity"]
            items.append(
                {
                    "id": self.next_id(),
                    "line_item_id": line["id"],
                    "quantity": item["quantity"],
                    "restock_type": item.get("restockType", "RETURN").lower(),
                    "location_id": int(str(item["locationId"]).rsplit("/", 1)[-1]) if item.get("locationId") else None,
                }
            )
        transactions = self.transactions[ref]
        new = []
        for index, t in enumerate(data.get("transactions") or []):
            parent = next((p for p in transactions if p["id"] == t.get("parentId")), None)
            if parent is None or t.get("kind") != "REFUND" or parent["gateway"] != t.get("gateway"):
                return refused(["transactions", str(index)], "Transaction parent or gateway is invalid")
            done = sum((c["amount"] for c in transactions if c["parent"] == parent["id"]), Decimal(0))
            if Decimal(t["amount"]) > parent["amount"] - done:
                return refused(["transactions", str(index), "amount"], "Amount cannot be greater than refundable")
            new.append(
                {
                    "id": f"gid://shopify/OrderTransaction/{self.next_id()}",
                    "kind": "REFUND",
                    "status": "SUCCESS",
                    "gateway": t["gateway"],
                    "amount": Decimal(t["amount"]),
                    "parent": parent["id"],
                }
            )
        transactions.extend(new)
        refund = {
            "id": self.next_id(),
            "order_id": order["id"],
            "note": data.get("note"),
            "created_at": "2026-11-20T10:00:00+00:00",
            "refund_line_items": items,
            "transactions": [{"amount": str(t["amount"]), "parent_id": t["parent"]} for t in new],
            "notify": data.get("notify"),
        }
        order.setdefault("refunds", []).append(refund)
        return {
            "data": {
                "refundCreate": {
                    "refund": {"id": f"gid://shopify/Refund/{refund['id']}", "note": refund["note"]},
                    "userErrors": [],
                }
            }
        }

    def _giftCards(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        query = str(variables.get("query") or "").lower()
        nodes = [
            {"id": c["id"], "lastCharacters": c["code"][-4:].lower(), "note": c["note"]}
            for c in self.gift_cards
            if query and c["code"].lower() == query and not self.search_lag
        ]
        return {"data": {"giftCards": {"nodes": nodes}}}

    def _giftCardCreate(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        if not self.gift_cards_enabled:
            return {
                "errors": [
                    {"message": "Access denied for giftCardCreate field.", "extensions": {"code": "ACCESS_DENIED"}}
                ],
                "data": {"giftCardCreate": None},
            }
        data = variables["input"]
        code = str(data.get("code") or "")

        def refused(code_: str, message: str) -> dict[str, Any]:
            return {
                "data": {
                    "giftCardCreate": {
                        "giftCard": None,
                        "userErrors": [{"field": ["input", "code"], "message": message, "code": code_}],
                    }
                }
            }

        if not re.fullmatch(r"[A-Za-z0-9]{8,20}", code):
            return refused("INVALID", "Code is invalid")
        if any(c["code"].lower() == code.lower() for c in self.gift_cards):
            return refused("TAKEN", "Code has already been taken")
        card = {
            "id": f"gid://shopify/GiftCard/{self.next_id()}",
            "code": code,
            "note": data.get("note"),
            "initialValue": data["initialValue"],
            "expiresOn": data.get("expiresOn"),
            "customerId": data.get("customerId"),
        }
        self.gift_cards.append(card)
        return {
            "data": {
                "giftCardCreate": {
                    "giftCard": {"id": card["id"], "lastCharacters": code[-4:].lower()},
                    "userErrors": [],
                }
            }
        }

    def _codeDiscountNodeByCode(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        found = next((d for d in self.discounts if d["code"].lower() == str(variables["code"]).lower()), None)
        return {"data": {"codeDiscountNodeByCode": {"id": found["id"]} if found else None}}

    def _discountCodeBasicCreate(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Shopify's field
        data = variables["discount"]
        if any(d["code"].lower() == data["code"].lower() for d in self.discounts):
            return {
                "data": {
                    "discountCodeBasicCreate": {
                        "codeDiscountNode": None,
                        "userErrors": [
                            {
                                "field": ["basicCodeDiscount", "code"],
                                "message": "Code must be unique.",
                                "code": "TAKEN",
                            }
                        ],
                    }
                }
            }
        discount = {"id": f"gid://shopify/DiscountCodeNode/{self.next_id()}", **data}
        self.discounts.append(discount)
        return {"data": {"discountCodeBasicCreate": {"codeDiscountNode": {"id": discount["id"]}, "userErrors": []}}}
