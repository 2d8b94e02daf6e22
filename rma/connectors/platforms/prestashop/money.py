"""Money out in PrestaShop: a credit slip (``order_slip``) for a refund, a cart rule (voucher) for a store credit.

Credit slips. The webservice lets a key with POST on ``order_slip`` create one: its fields are ``id_customer``,
``id_order``, ``conversion_rate``, ``total_products_tax_incl/excl``, ``total_shipping_tax_incl/excl``,
``amount``, ``shipping_cost``, ``shipping_cost_amount``, ``partial``, ``order_slip_type``. Two limits of a stock
PrestaShop (classes/order/OrderSlip.php):

- its ``order_slip_details`` association is read-only (``'setter' => false``): the lines we send are ignored,
  so the order's ``product_quantity_refunded`` does not move and nothing is restocked by the slip itself;
- it has no free-text field to carry our reference.

So the slip is marked by private order messages (resource ``messages``, shown on the order in the back office):
before creating, an "intent" message naming our refund; after, a message naming the slip's id. A retry finds the
slip by that second message, or (the process died between the slip and its message) by the order, the amount and
a date not before the intent message, among the slips no other refund of ours claims. Restocking is ours to do:
the ``stock_availables`` quantity of each line's product and combination is raised by the units the warehouse
put back on sale, each line once (a message records it; only the moment between the stock update and that
message is not covered: a process killed exactly there would restock that line again on the retry).

Store credit: a cart rule whose ``code`` is our credit's code, for the order's customer, amount tax included in
the order's currency, one use, partial use allowed (PrestaShop then issues a voucher for the rest). Found by code
before creating. Sources: devdocs.prestashop-project.org/8/webservice/resources/order_slip, messages,
cart_rules, stock_availables; PrestaShop/PrestaShop classes/order/OrderSlip.php, classes/CartRule.php,
classes/Message.php, classes/stock/StockAvailable.php.
"""

import logging
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from rma.connectors.platforms.base import CreditOrder, MoneyLine, PlatformError, PlatformRecord, RefundOrder
from rma.connectors.platforms.prestashop.api import Webservice, xml_body
from rma.connectors.platforms.prestashop.orders import CENT, money, shop_text, shop_zone

logger = logging.getLogger(__name__)
SLIP_CLAIM = re.compile(r"refund ([0-9a-f-]{36}): credit slip #(\d+)")


def unavailable(exc: PlatformError) -> bool:
    """A resource the webservice does not have or the key may not use (not a refusal of what we sent)."""
    return exc.permanent and exc.status in (401, 403, 404, 405) or (exc.status == 400 and "(code 27)" in exc.message)


class MoneyWriter:
    def __init__(self, api: Webservice, options: dict[str, Any]) -> None:
        self.api = api
        self.options = options
        self.zone = shop_zone(options)

    # --- refunds -----------------------------------------------------------------------------------------------
    def refund(self, refund: RefundOrder) -> PlatformRecord:
        order = self.api.get("orders", refund.order_ref)
        try:
            messages = self.api.list("messages", filters={"id_order": f"[{refund.order_ref}]"}, sort="[id_ASC]")
        except PlatformError as exc:
            if not unavailable(exc):
                raise
            return self._refund_unmarked(refund, order, exc)
        ours = [m for m in messages if refund.reference in str(m.get("message") or "")]
        intent = next((m for m in ours if "credit slip being created" in str(m.get("message"))), None)
        if intent is None:
            intent = self._message(
                order,
                f"RMA {refund.rma_number}: refund {refund.reference} of {refund.amount} {refund.currency}, "
                "credit slip being created.",
            )
        slip_id, created = self._claimed_slip(refund, messages), False
        if slip_id is None:
            slip_id = self._unclaimed_slip(refund, messages, since=str(intent.get("date_add") or ""))
            if slip_id is None:
                slip_id, created = self._slip_create(refund, order), True
            self._message(order, f"RMA {refund.rma_number}: refund {refund.reference}: credit slip #{slip_id}.")
        done = {str(m.get("message")) for m in ours}
        for line in refund.lines:
            marker = (
                f"RMA {refund.rma_number}: refund {refund.reference}: restocked {line.restock_quantity} of "
                f"order row {line.line_ref}."
            )
            if line.restock_quantity > 0 and marker not in done and self._restock(refund, line):
                self._message(order, marker)
        return PlatformRecord(kind="order_slip", ref=slip_id, created=created)

    def _refund_unmarked(self, refund: RefundOrder, order: dict[str, Any], why: PlatformError) -> PlatformRecord:
        """The key may not read or write ``messages``: no marks. A slip of the order for the same amount is taken
        for ours (a second refund of the same amount on the same order would then be missed, never doubled), and
        the units are restocked only by the call that created the slip (a crash in between restocks nothing)."""
        logger.warning(
            "PrestaShop messages unavailable (%s): refund %s found by order and amount", why.message, refund.reference
        )
        slip_id = self._unclaimed_slip(refund, [], since="")
        if slip_id is not None:
            return PlatformRecord(kind="order_slip", ref=slip_id, created=False)
        slip_id = self._slip_create(refund, order)
        for line in refund.lines:
            if line.restock_quantity > 0:
                self._restock(refund, line)
        return PlatformRecord(kind="order_slip", ref=slip_id, created=True)

    def _message(self, order: dict[str, Any], text: str) -> dict[str, Any]:
        fields = {
            "id_order": order["id"],
            "id_customer": order.get("id_customer") or 0,
            "id_employee": 0,
            "message": text,
            "private": 1,
        }
        return self.api.create("messages", xml_body("message", fields))

    @staticmethod
    def _claimed_slip(refund: RefundOrder, messages: list[dict[str, Any]]) -> str | None:
        for message in messages:
            match = SLIP_CLAIM.search(str(message.get("message") or ""))
            if match and match.group(1) == refund.reference:
                return match.group(2)
        return None

    def _unclaimed_slip(self, refund: RefundOrder, messages: list[dict[str, Any]], *, since: str) -> str | None:
        claimed = {m.group(2) for m in (SLIP_CLAIM.search(str(x.get("message") or "")) for x in messages) if m}
        for slip in self.api.list("order_slip", filters={"id_order": f"[{refund.order_ref}]"}, sort="[id_ASC]"):
            if (
                str(slip.get("id")) not in claimed
                and str(slip.get("date_add") or "") >= since
                and money(slip.get("amount")).quantize(CENT) == refund.amount.quantize(CENT)
            ):
                return str(slip["id"])
        return None

    def _slip_create(self, refund: RefundOrder, order: dict[str, Any]) -> str:
        rows = refund.order_extra.get("lines") or {}
        products_incl = sum((line.amount for line in refund.lines), Decimal("0"))
        products_excl = sum((self._excl(line, rows) for line in refund.lines), Decimal("0"))
        fields = {
            "id_customer": order.get("id_customer") or refund.order_extra.get("id_customer") or 0,
            "id_order": refund.order_ref,
            "conversion_rate": order.get("conversion_rate") or "1",
            "total_products_tax_excl": products_excl.quantize(CENT),
            "total_products_tax_incl": products_incl.quantize(CENT),
            "total_shipping_tax_excl": "0.00",
            "total_shipping_tax_incl": "0.00",
            "amount": refund.amount.quantize(CENT),
            "shipping_cost": 0,
            "shipping_cost_amount": "0.00",
            "partial": 1 if refund.amount != products_incl else 0,
            "order_slip_type": 0,
        }
        details: list[Mapping[str, Any]] = [
            {
                "id_order_detail": line.line_ref,
                "product_quantity": line.quantity,
                "amount_tax_excl": self._excl(line, rows).quantize(CENT),
                "amount_tax_incl": line.amount.quantize(CENT),
            }
            for line in refund.lines
        ]
        return str(
            self.api.create("order_slip", xml_body("order_slip", fields, {"order_slip_details": details}))["id"]
        )

    @staticmethod
    def _excl(line: MoneyLine, rows: dict[str, Any]) -> Decimal:
        row = rows.get(line.line_ref) or {}
        incl, excl = money(row.get("unit_price_tax_incl")), money(row.get("unit_price_tax_excl"))
        return line.amount * excl / incl if incl else line.amount

    def _restock(self, refund: RefundOrder, line: MoneyLine) -> bool:
        """Add the line's restocked units to its stock_available; False when the shop has none we may change."""
        row = (refund.order_extra.get("lines") or {}).get(line.line_ref) or {}
        product_id = str(row.get("product_id") or "0")
        if not int(product_id):
            logger.warning("PrestaShop: order row %s has no product to restock", line.line_ref)
            return False
        attribute_id = str(row.get("product_attribute_id") or "0")
        try:
            stock = self.api.list(
                "stock_availables",
                filters={"id_product": f"[{product_id}]", "id_product_attribute": f"[{attribute_id}]"},
            )
        except PlatformError as exc:
            if not unavailable(exc):
                raise
            stock = []
        if not stock:  # the refund stands; the units are not put back (said in the log)
            logger.warning("PrestaShop: no stock_available to restock for product %s/%s", product_id, attribute_id)
            return False
        current = stock[0]
        fields = {
            key: current.get(key, "")
            for key in (
                "id",
                "id_product",
                "id_product_attribute",
                "id_shop",
                "id_shop_group",
                "depends_on_stock",
                "out_of_stock",
                "location",
            )
        }
        fields["quantity"] = int(current.get("quantity") or 0) + line.restock_quantity
        try:
            self.api.update("stock_availables", current["id"], xml_body("stock_available", fields))
        except PlatformError as exc:
            if not unavailable(exc):
                raise
            logger.warning("PrestaShop: stock_available %s cannot be updated: %s", current["id"], exc.message)
            return False
        return True

    # --- store credit ------------------------------------------------------------------------------------------
    def credit(self, credit: CreditOrder) -> PlatformRecord:
        existing = self.api.list("cart_rules", filters={"code": f"[{credit.code}]"})
        if existing:
            return PlatformRecord(kind="cart_rule", ref=str(existing[0]["id"]), created=False)
        customer_id = self._customer_id(credit)
        currencies = self.api.list("currencies", filters={"iso_code": f"[{credit.currency}]"})
        if not currencies:
            raise PlatformError(f"The shop has no currency {credit.currency}.", permanent=True)
        try:
            languages = [str(lang["id"]) for lang in self.api.list("languages", display="[id]")] or ["1"]
        except PlatformError as exc:
            if not unavailable(exc):
                raise
            languages = ["1"]  # the installation's first language
        now = datetime.now(tz=self.zone)
        fields: dict[str, Any] = {
            "id_customer": customer_id,
            "date_from": shop_text(now - timedelta(minutes=5), self.zone),
            "date_to": shop_text(credit.expires_at or now + timedelta(days=365), self.zone),
            "description": f"RMA {credit.rma_number}: store credit {credit.reference}",
            "quantity": 1,
            "quantity_per_user": 1,
            "priority": 1,
            "partial_use": 1,
            "code": credit.code,
            "minimum_amount": "0.00",
            "minimum_amount_tax": 1,
            "minimum_amount_currency": currencies[0]["id"],
            "minimum_amount_shipping": 0,
            "free_shipping": 0,
            "reduction_percent": "0.00",
            "reduction_amount": credit.amount.quantize(CENT),
            "reduction_tax": 1,
            "reduction_currency": currencies[0]["id"],
            "reduction_product": 0,
            "highlight": 0,
            "active": 1,
            "name": {"*": str(self.options.get("credit_name") or "Store credit {rma}").format(rma=credit.rma_number)},
        }
        created = self.api.create("cart_rules", xml_body("cart_rule", fields, languages=languages))
        return PlatformRecord(kind="cart_rule", ref=str(created["id"]), created=True)

    def _customer_id(self, credit: CreditOrder) -> str:
        """The order's customer; else the shop's customer with the e-mail; else 0 (anyone holding the code)."""
        if credit.order_ref:
            customer_id = str(self.api.get("orders", credit.order_ref).get("id_customer") or "0")
            if int(customer_id):
                return customer_id
        if credit.customer_email:
            found = self.api.list("customers", filters={"email": f"[{credit.customer_email}]"}, display="[id]")
            if found:
                return str(found[0]["id"])
        return "0"
