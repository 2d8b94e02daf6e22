"""A small PrestaShop catalogue in the fake (the demo shop's t-shirt and mug), and orders built from the
order payload of payloads/order.json."""

import copy
import json
from pathlib import Path
from typing import Any

from tests.connectors.prestashop.fake import FakePrestaShop

PAYLOADS = Path(__file__).parent / "payloads"
ORDER = json.loads((PAYLOADS / "order.json").read_text())["order"]


def names(en: str, fr: str) -> list[dict[str, str]]:
    return [{"id": "1", "value": en}, {"id": "2", "value": fr}]


def catalogue_seed(fake: FakePrestaShop) -> None:
    fake.add("languages", {"id": 1, "iso_code": "en", "name": "English"})
    fake.add("languages", {"id": 2, "iso_code": "fr", "name": "Français"})
    fake.add("currencies", {"id": 1, "iso_code": "EUR", "conversion_rate": "1.000000"})
    fake.add("countries", {"id": 8, "iso_code": "FR", "name": names("France", "France")})
    fake.add(
        "customers",
        {"id": 3, "email": "marie.dupont@example.com", "firstname": "Marie", "lastname": "Dupont", "id_lang": "2"},
    )
    fake.add(
        "addresses",
        {
            "id": 7,
            "id_customer": "3",
            "id_country": "8",
            "firstname": "Marie",
            "lastname": "Dupont",
            "address1": "12 rue de Rivoli",
            "address2": "Bâtiment B",
            "postcode": "75001",
            "city": "Paris",
            "phone": "0102030405",
            "phone_mobile": "0612345678",
        },
    )
    fake.add("categories", {"id": 4, "name": names("T-shirts", "T-shirts")})
    fake.add("categories", {"id": 6, "name": names("Mugs", "Mugs")})
    fake.add(
        "products",
        {
            "id": 1,
            "reference": "demo_1",
            "id_category_default": "4",
            "price": "33.333333",
            "_price": "40.000000",
            "weight": "0.300000",
        },
    )
    fake.add(
        "products",
        {
            "id": 2,
            "reference": "demo_11",
            "id_category_default": "6",
            "price": "16.666667",
            "_price": "20.000000",
            "weight": "0.350000",
        },
    )
    fake.add(
        "product_options", {"id": 1, "is_color_group": "0", "group_type": "select", "name": names("Size", "Taille")}
    )
    fake.add(
        "product_options", {"id": 2, "is_color_group": "1", "group_type": "color", "name": names("Color", "Couleur")}
    )
    for value_id, group, name in ((1, 1, "S"), (2, 1, "M"), (3, 2, "White"), (4, 2, "Black")):
        fake.add(
            "product_option_values", {"id": value_id, "id_attribute_group": str(group), "name": names(name, name)}
        )
    # A combination's weight is its impact on the product's (PrestaShop adds them): the M weighs 20 g more.
    for combination_id, reference, values, price, weight in (
        (1, "demo_1-S-WHT", (1, 3), "40.000000", "0.000000"),
        (2, "demo_1-M-WHT", (2, 3), "40.000000", "0.020000"),
        (3, "demo_1-M-BLK", (2, 4), "42.000000", "0.020000"),
    ):
        fake.add(
            "combinations",
            {
                "id": combination_id,
                "id_product": "1",
                "reference": reference,
                "price": "0.000000",
                "_price": price,
                "weight": weight,
                "associations": {"product_option_values": [{"id": str(v)} for v in values]},
            },
        )
    for product, attribute, quantity in ((1, 0, 8), (1, 1, 0), (1, 2, 5), (1, 3, 3), (2, 0, 10)):
        fake.add(
            "stock_availables",
            {
                "id_product": str(product),
                "id_product_attribute": str(attribute),
                "id_shop": "1",
                "id_shop_group": "0",
                "quantity": str(quantity),
                "depends_on_stock": "0",
                "out_of_stock": "2",
                "location": "",
            },
        )


def order_add(
    fake: FakePrestaShop,
    order_id: int,
    *,
    date_upd: str = "2026-11-05 16:40:12",
    state: str = "5",
    delivered_at: str = "2026-11-04 11:00:00",
    refunded: dict[int, int] | None = None,
    rows: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """An order like payloads/order.json, under `order_id` (its rows numbered order_id*100+1…), with its
    order_details and, when delivered, its order_histories."""
    order = copy.deepcopy(ORDER)
    order.update(id=str(order_id), reference=f"REF{order_id:06d}", date_upd=date_upd, current_state=state, **fields)
    source_rows = rows if rows is not None else order["associations"]["order_rows"]
    order_rows = []
    for index, row in enumerate(source_rows, start=1):
        row = {**row, "id": str(order_id * 100 + index)}
        order_rows.append(row)
        quantity = int(row["product_quantity"])
        fake.add(
            "order_details",
            {
                "id": int(row["id"]),
                "id_order": str(order_id),
                "product_id": row["product_id"],
                "product_attribute_id": row["product_attribute_id"],
                "product_quantity": str(quantity),
                "product_quantity_refunded": str((refunded or {}).get(index, 0)),
                "product_name": row["product_name"],
                "product_reference": row["product_reference"],
                "unit_price_tax_incl": row["unit_price_tax_incl"],
                "unit_price_tax_excl": row["unit_price_tax_excl"],
                "total_price_tax_incl": f"{float(row['unit_price_tax_incl']) * quantity:.6f}",
                "total_price_tax_excl": f"{float(row['unit_price_tax_excl']) * quantity:.6f}",
                # OrderDetail::create(): the product's weight with its combination's, as sold.
                "product_weight": row.get("product_weight") or unit_weight(fake, row),
            },
        )
    order["associations"] = {"order_rows": order_rows}
    if state == "5":
        fake.add(
            "order_histories",
            {"id_order": str(order_id), "id_order_state": "4", "id_employee": "1", "date_add": "2026-11-03 09:00:00"},
        )
        fake.add(
            "order_histories",
            {"id_order": str(order_id), "id_order_state": "5", "id_employee": "1", "date_add": delivered_at},
        )
    return fake.add("orders", order)


def unit_weight(fake: FakePrestaShop, row: dict[str, Any]) -> str:
    """The weight PrestaShop writes on an order detail: the product's plus its combination's (as ``%.6f``)."""
    product = fake.data["products"].get(int(row["product_id"])) or {}
    combination = fake.data["combinations"].get(int(row["product_attribute_id"])) or {}
    return f"{float(product.get('weight') or 0) + float(combination.get('weight') or 0):.6f}"


def order_read(connection: Any, order_ref: str) -> Any:
    """The order as the connector reads it from the fake (it must exist)."""
    from rma.connectors.platforms import connector_for

    data = connector_for(connection).order_fetch(order_ref=order_ref)
    assert data is not None, f"order {order_ref} not found"
    return data
