"""PrestaShop orders read from the webservice, as ``OrderData``; the polling cursor over ``date_upd``.

An order (resource ``orders``, ``display=full``) names its customer, delivery address, currency and language by
id, and carries its lines in ``associations.order_rows`` (``id`` is the ``id_order_detail``); those are read by id
once per run. ``order_details`` (filtered by ``id_order``) adds what the rows lack: the units refunded by credit
slips (``product_quantity_refunded``), the line totals and the unit's weight as sold (``product_weight``, in the
shop's weight unit: the option ``weight_unit``, kg as PrestaShop's default ``PS_WEIGHT_UNIT``). Cart rules
(vouchers) are order-level in PrestaShop (``total_discounts_tax_incl``): they are spread over the lines in
proportion of their totals, so that a line's ``unit_price`` is what the customer paid for one unit.

Dates are the shop's local time without offset (PHP ``Y-m-d H:i:s`` in the shop's time zone): the connection's
option ``timezone`` (default: this site's time zone) reads and writes them.

Sources: devdocs.prestashop-project.org/8/webservice/resources/orders, order_details, order_histories,
customers, addresses, countries, currencies, combinations, product_option_values, product_options;
PrestaShop/PrestaShop classes/order/Order.php ($webserviceParameters: order_rows), classes/order/OrderDetail.php.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings

from rma.connectors.platforms.base import MappingError, OrderData, OrderLineData, OrdersPage, PlatformError
from rma.connectors.platforms.prestashop.api import Webservice, association, multilang, truthy
from rma.connectors.platforms.weights import grams

logger = logging.getLogger(__name__)
T = TypeVar("T")
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
PAGE_SIZE = 50
CENT = Decimal("0.01")
# PrestaShop's default order states (PS_OS_DELIVERED, PS_OS_CANCELED); a shop with its own states sets the options.
DELIVERED_STATES = ["5"]
CANCELLED_STATES = ["6"]
SIZE_GROUPS = ("size", "taille", "größe", "talla", "taglia", "maat")


def shop_zone(options: dict[str, Any]) -> ZoneInfo:
    return ZoneInfo(str(options.get("timezone") or settings.TIME_ZONE))


def shop_date(raw: Any, zone: ZoneInfo) -> datetime | None:
    """A PrestaShop date (``2026-11-02 10:15:00``, shop time) as an aware datetime; None for empty or zero dates.
    A date that carries its offset (``…T10:15:00+01:00``, ``…Z``: not PrestaShop's, but a proxy's) keeps it."""
    text = str(raw or "").strip()
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError as exc:
        raise MappingError(f"Not a PrestaShop date: {text!r}") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def shop_text(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime(DATE_FORMAT)


def money(raw: Any) -> Decimal:
    try:
        return Decimal(str(raw or "0"))
    except InvalidOperation as exc:
        raise MappingError(f"Not an amount: {raw!r}") from exc


def state_ids(options: dict[str, Any], name: str, default: list[str]) -> set[str]:
    value = options.get(name)
    return {str(v) for v in value} if isinstance(value, list) and value else set(default)


class OrderReader:
    """Reads orders and what they refer to; every object read by id is read once per reader."""

    def __init__(self, api: Webservice, options: dict[str, Any]) -> None:
        self.api = api
        self.options = options
        self.zone = shop_zone(options)
        self.unreadable: set[str] = set()

    # --- the polling: keyset on (date_upd, id) -------------------------------------------------------------
    def page(self, *, since: datetime, cursor: str) -> OrdersPage:
        """Orders updated at or after the cursor's date, oldest first; the cursor is ``<date>|<n>``: the date of
        the last order read and how many orders at exactly that date were read already (skipped by ``limit``).

        Reading from the last date rather than by a bare offset keeps an order updated during the run from
        shifting the ones after it out of sight: it moves to the end of the list and is read there.
        """
        start, skip = shop_text(since, self.zone), 0
        if cursor:
            start, _sep, count = cursor.partition("|")
            skip = int(count or 0)
        size = int(self.options.get("page_size") or PAGE_SIZE)
        until = shop_text(datetime.now(tz=self.zone) + timedelta(days=1), self.zone)
        rows = self.api.list(
            "orders",
            filters={"date_upd": f"[{start},{until}]"},
            sort="[date_upd_ASC,id_ASC]",
            limit=f"{skip},{size}",
        )
        rows = [self._whole(row) for row in rows]
        orders, failures = [], []
        for row in rows:
            try:
                orders.append(self.order(row))
            except (MappingError, PlatformError) as exc:
                if isinstance(exc, PlatformError) and not exc.permanent:
                    raise  # the shop is unwell: the run stops here and resumes at this page
                failures.append(f"{row.get('id')}: {type(exc).__name__}: {exc}")
        if len(rows) != size:  # the last page; more than asked: the shop ignores limit, so that was all of them
            return OrdersPage(orders=orders, next_cursor="", failures=failures)
        keys = [(str(row.get("date_upd")), int(str(row.get("id") or 0))) for row in rows]
        if keys != sorted(keys):  # the shop ignores sort: page on by offset from the same date
            return OrdersPage(orders=orders, next_cursor=f"{start}|{skip + len(rows)}", failures=failures)
        last = str(rows[-1].get("date_upd"))
        same = sum(1 for row in rows if str(row.get("date_upd")) == last)
        if same == len(rows) and last == start:
            same += skip
        return OrdersPage(orders=orders, next_cursor=f"{last}|{same}", failures=failures)

    def one(self, order_ref: str) -> OrderData | None:
        rows = self.api.list("orders", filters={"id": f"[{int(order_ref)}]"})
        return self.order(self._whole(rows[0])) if rows else None

    def _whole(self, row: dict[str, Any]) -> dict[str, Any]:
        """The order itself when the list gave its id only (a webservice that does not honour ``display=full``)."""
        if row.get("id") and "date_upd" not in row and "date_add" not in row:
            return self.api.get("orders", str(row["id"]))
        return row

    def _optional(self, resource: str, read: Callable[[], T]) -> T | None:
        """What only adds to an order (its refunded units, delivery date, category, size, colour, language,
        country): a shop whose key may not read it, or a webservice without it, gives the order without it."""
        if resource in self.unreadable:
            return None
        try:
            return read()
        except PlatformError as exc:
            if not exc.permanent or exc.status not in (400, 401, 403, 404, 405):
                raise
            self.unreadable.add(resource)
            logger.warning("PrestaShop %s cannot be read (%s): orders are read without it", resource, exc.message)
            return None

    # --- one order -------------------------------------------------------------------------------------------
    def order(self, row: dict[str, Any]) -> OrderData:
        """The order, or MappingError saying what is wrong with it (never another exception: the sync goes on)."""
        try:
            return self._order(row)
        except MappingError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
            raise MappingError(f"Order {row.get('id') if isinstance(row, dict) else row!r}: {exc!r}") from exc

    def _order(self, row: dict[str, Any]) -> OrderData:
        try:
            order_ref = str(row["id"])
            rows = association(row, "order_rows", "order_row")
        except (KeyError, TypeError, AttributeError) as exc:
            raise MappingError(f"Not a PrestaShop order: {exc}") from exc
        placed_at = shop_date(row.get("date_add"), self.zone) or shop_date(row.get("date_upd"), self.zone)
        if placed_at is None:
            raise MappingError(f"Order {order_ref} has no date_add (nor date_upd).")
        listed = (
            self._optional(
                "order_details", lambda: self.api.list("order_details", filters={"id_order": f"[{order_ref}]"})
            )
            or []
        )
        details = {str(d.get("id")): d for d in listed}
        # An order listed without its associations: its order_details carry the same fields as its order_rows.
        rows = rows or listed
        if not rows:
            raise MappingError(f"Order {order_ref} has no order_rows (and no order_details).")
        customer = self.api.find("customers", row.get("id_customer"))
        address = self._optional("addresses", lambda: self.api.find("addresses", row.get("id_address_delivery"))) or {}
        country = self._optional("countries", lambda: self.api.find("countries", address.get("id_country"))) or {}
        currency = self.api.find("currencies", row.get("id_currency"))
        language = self._optional("languages", lambda: self.api.find("languages", row.get("id_lang"))) or {}
        lines, extra_lines = self._lines(row, rows, details, str(row.get("id_lang") or ""))
        state = str(row.get("current_state") or "")
        email = str(customer.get("email") or "").strip()
        if not email:
            raise MappingError(f"Order {order_ref}: its customer has no e-mail address.")
        if not currency.get("iso_code"):
            raise MappingError(f"Order {order_ref}: its currency {row.get('id_currency')!r} is not in the shop.")
        return OrderData(
            order_ref=order_ref,
            number=str(row.get("reference") or order_ref),
            placed_at=placed_at,
            updated_at=shop_date(row.get("date_upd"), self.zone),
            customer_email=email,
            customer_name=f"{customer.get('firstname', '')} {customer.get('lastname', '')}".strip(),
            customer_phone=str(address.get("phone_mobile") or address.get("phone") or ""),
            locale=str(language.get("iso_code") or ""),
            currency=str(currency.get("iso_code") or "").upper(),
            lines=lines,
            address_line1=str(address.get("address1") or "").strip(),
            address_line2=str(address.get("address2") or "").strip(),
            postcode=str(address.get("postcode") or "").strip(),
            city=str(address.get("city") or "").strip(),
            country=str(country.get("iso_code") or "").upper(),
            delivered_at=self._delivered_at(order_ref, state),
            cancelled=state in state_ids(self.options, "cancelled_state_ids", CANCELLED_STATES),
            extra={
                "id_customer": str(row.get("id_customer") or "0"),
                "id_currency": str(row.get("id_currency") or "0"),
                "conversion_rate": str(row.get("conversion_rate") or "1"),
                "lines": extra_lines,
            },
        )

    def _lines(
        self, order: dict[str, Any], rows: list[dict[str, Any]], details: dict[str, dict[str, Any]], lang: str
    ) -> tuple[list[OrderLineData], dict[str, dict[str, str]]]:
        totals = {}
        for row in rows:
            detail = details.get(str(row["id"]), {})
            quantity = int(row.get("product_quantity") or 0)
            totals[str(row["id"])] = (
                money(detail.get("total_price_tax_incl")) or money(row.get("unit_price_tax_incl")) * quantity
            )
        goods = sum(totals.values(), Decimal("0"))
        discount = min(money(order.get("total_discounts_tax_incl")), goods)
        ratio = (goods - discount) / goods if goods else Decimal("1")
        lines, extra = [], {}
        for row in rows:
            line_ref = str(row["id"])
            detail = details.get(line_ref, {})
            quantity = int(row.get("product_quantity") or 0)
            if quantity < 1:
                raise MappingError(f"Order row {line_ref} has no quantity.")
            incl, excl = money(row.get("unit_price_tax_incl")), money(row.get("unit_price_tax_excl"))
            paid = totals[line_ref] * ratio / quantity
            product_id, attribute_id = str(row.get("product_id") or "0"), str(row.get("product_attribute_id") or "0")
            size, colour = self.options_of(attribute_id, lang)
            lines.append(
                OrderLineData(
                    line_ref=line_ref,
                    sku=str(row.get("product_reference") or ""),
                    name=str(row.get("product_name") or ""),
                    quantity=quantity,
                    unit_price=paid.quantize(CENT),
                    unit_tax=((incl - excl) * ratio).quantize(CENT),
                    product_ref=product_id,
                    variant_ref=attribute_id if attribute_id != "0" else "",
                    category=self.category_of(product_id, lang),
                    size=size,
                    colour=colour,
                    refunded_quantity=int(detail.get("product_quantity_refunded") or 0),
                    unit_weight_g=self.weight_of(detail, product_id, attribute_id),
                )
            )
            extra[line_ref] = {
                "product_id": product_id,
                "product_attribute_id": attribute_id,
                "unit_price_tax_incl": str(incl),
                "unit_price_tax_excl": str(excl),
            }
        return lines, extra

    def weight_of(self, detail: dict[str, Any], product_id: str, attribute_id: str) -> int | None:
        """The weight of one unit in grams: the order detail's ``product_weight`` (the product's weight with its
        combination's impact, as sold), else the product's ``weight`` plus the combination's (read already for
        the category and the size); in the shop's unit, the ``weight_unit`` option (PS_WEIGHT_UNIT, kg)."""
        unit = str(self.options.get("weight_unit") or "kg")
        if str(detail.get("product_weight") or "").strip():
            return grams(detail["product_weight"], unit)
        product = self._optional("products", lambda: self.api.find("products", product_id)) or {}
        combination: dict[str, Any] = {}
        if attribute_id != "0":
            combination = self._optional("combinations", lambda: self.api.find("combinations", attribute_id)) or {}
        try:
            weight = Decimal(str(product.get("weight") or 0)) + Decimal(str(combination.get("weight") or 0))
        except InvalidOperation:
            return None
        return grams(weight, unit)

    def category_of(self, product_id: str, lang: str) -> str:
        """The name of the product's default category ("" for a product deleted since)."""
        product = self._optional("products", lambda: self.api.find("products", product_id)) or {}
        category = (
            self._optional("categories", lambda: self.api.find("categories", product.get("id_category_default"))) or {}
        )
        return multilang(category.get("name"), lang)

    def options_of(self, attribute_id: str, lang: str) -> tuple[str, str]:
        """(size, colour) of a combination, from its attribute values and their groups (colour groups are
        ``is_color_group``; size groups are named Size/Taille/… or listed in the ``size_groups`` option)."""
        combination = self._optional("combinations", lambda: self.api.find("combinations", attribute_id)) or {}
        values = association(combination, "product_option_values", "product_option_value")
        return self.value_options([str(v.get("id")) for v in values], lang)

    def value_options(self, value_ids: list[str], lang: str) -> tuple[str, str]:
        size_names = {str(n).lower() for n in self.options.get("size_groups") or SIZE_GROUPS}
        size = colour = ""
        for value_id in value_ids:
            value = (
                self._optional("product_option_values", partial(self.api.find, "product_option_values", value_id))
                or {}
            )
            group = (
                self._optional(
                    "product_options", partial(self.api.find, "product_options", value.get("id_attribute_group"))
                )
                or {}
            )
            name = multilang(value.get("name"), lang)
            if truthy(group.get("is_color_group")) or group.get("group_type") == "color":
                colour = colour or name
            elif multilang(group.get("name"), lang).strip().lower() in size_names:
                size = size or name
        return size, colour

    def _delivered_at(self, order_ref: str, state: str) -> datetime | None:
        """When the order first reached a delivered state (order_histories), for an order delivered now."""
        delivered = state_ids(self.options, "delivered_state_ids", DELIVERED_STATES)
        if state not in delivered:
            return None
        history = (
            self._optional(
                "order_histories",
                lambda: self.api.list(
                    "order_histories",
                    filters={"id_order": f"[{order_ref}]", "id_order_state": "[" + "|".join(sorted(delivered)) + "]"},
                ),
            )
            or []
        )
        dates = [moment for moment in (shop_date(h.get("date_add"), self.zone) for h in history) if moment]
        return min(dates, default=None)
