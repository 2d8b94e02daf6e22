"""Orders in from PrestaShop: no webhooks (refused), each order read from the webservice with what it refers to."""

import base64
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from rma.connectors.models import InboxDelivery, ShopOrder
from rma.connectors.orders_in import order_data_apply
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import MappingError, PlatformError
from rma.orders.models import Order
from tests.connectors.prestashop.fake import KEY
from tests.connectors.prestashop.shop import order_add, order_read

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def test_prestashop_is_polled_and_anything_posted_to_its_webhook_endpoint_is_refused(connection):
    connector = connector_for(connection)
    assert (connector.platform, connector.pushes_orders) == ("prestashop", False)
    response = Client().post(
        f"/webhooks/shops/{connection.public_id}/",
        data=b'{"id": 5}',
        content_type="application/json",
        headers={"X-Shopify-Hmac-Sha256": base64.b64encode(b"x" * 32).decode()},
    )
    assert response.status_code == 401
    assert not InboxDelivery.objects.exists()
    with pytest.raises(MappingError):
        connector.delivery_map(topic="orders/create", payload={"id": 5})


def test_an_order_is_read_with_its_customer_address_lines_and_delivery_date(connection, fake):
    order_add(fake, 5, refunded={2: 1})
    data = order_read(connection, "5")
    assert data is not None
    assert (data.order_ref, data.number, data.currency, data.locale) == ("5", "REF000005", "EUR", "fr")
    assert data.placed_at == datetime(2026, 11, 2, 10, 15, tzinfo=PARIS)
    assert data.updated_at == datetime(2026, 11, 5, 16, 40, 12, tzinfo=PARIS)
    assert data.delivered_at == datetime(2026, 11, 4, 11, 0, tzinfo=PARIS)  # first "delivered" in order_histories
    assert (data.customer_email, data.customer_name, data.customer_phone) == (
        "marie.dupont@example.com",
        "Marie Dupont",
        "0612345678",
    )
    assert (data.address_line1, data.address_line2, data.postcode, data.city, data.country) == (
        "12 rue de Rivoli",
        "Bâtiment B",
        "75001",
        "Paris",
        "FR",
    )
    shirt, mug = data.lines
    # The 10.00 voucher is spread over the 100.00 of goods: each line is paid 90 %.
    assert (shirt.line_ref, shirt.sku, shirt.quantity, shirt.unit_price, shirt.unit_tax) == (
        "501",
        "demo_1-M-WHT",
        2,
        Decimal("36.00"),
        Decimal("6.00"),
    )
    assert (shirt.product_ref, shirt.variant_ref, shirt.category, shirt.size, shirt.colour) == (
        "1",
        "2",
        "T-shirts",
        "M",
        "White",
    )
    assert (mug.sku, mug.unit_price, mug.variant_ref, mug.category, mug.size, mug.refunded_quantity) == (
        "demo_11",
        Decimal("18.00"),
        "",
        "Mugs",
        "",
        1,
    )
    assert data.extra["lines"]["501"] == {
        "product_id": "1",
        "product_attribute_id": "2",
        "unit_price_tax_incl": "40.000000",
        "unit_price_tax_excl": "33.333333",
    }
    # Authenticated as PrestaShop asks: the key as the user name, no password; JSON asked for.
    assert {(hit.user, hit.query["output_format"]) for hit in fake.hits} == {(KEY, "JSON")}


def test_the_order_lands_in_our_orders_with_the_refunded_units_kept_out(connection, fake):
    order_add(fake, 5, refunded={2: 1})
    data = order_read(connection, "5")
    applied = order_data_apply(connection=connection, data=data)
    assert applied.outcome == "created"
    order = Order.objects.get(external_id="ps-eu:5")
    assert order.delivered_at == datetime(2026, 11, 4, 11, 0, tzinfo=PARIS)
    mug = order.lines.get(external_id="502")
    assert mug.non_returnable_reason == "refunded"
    assert ShopOrder.objects.get(order=order).extra["id_customer"] == "3"


def test_an_order_not_delivered_yet_has_no_delivery_date_and_a_cancelled_one_says_so(connection, fake):
    order_add(fake, 6, state="3")
    order_add(fake, 7, state="6")
    connector = connector_for(connection)
    assert order_read(connection, "6").delivered_at is None
    assert order_read(connection, "7").cancelled is True
    assert connector.order_fetch(order_ref="8") is None


def test_shop_specific_states_come_from_the_options(connection, fake):
    order_add(fake, 6, state="5")
    fake.add("order_histories", {"id_order": "6", "id_order_state": "22", "date_add": "2026-11-03 18:00:00"})
    connection.options = {**connection.options, "delivered_state_ids": [5, 22]}
    fake.data["orders"][6]["current_state"] = "22"
    assert order_read(connection, "6").delivered_at == datetime(2026, 11, 3, 18, tzinfo=PARIS)


def test_an_order_without_rows_cannot_be_mapped(connection, fake):
    order_add(fake, 9, rows=[])
    with pytest.raises(MappingError, match="order_rows"):
        connector_for(connection).order_fetch(order_ref="9")


def test_a_wrong_key_is_refused_with_prestashops_message(connection, fake):
    connection.api_key = "WRONGKEYWRONGKEYWRONGKEYWRONGKEY"
    with pytest.raises(PlatformError) as excinfo:
        order_read(connection, "5")
    assert (excinfo.value.status, excinfo.value.permanent) == (401, True)
    assert "401 Authentification key is not active (code 20)" in excinfo.value.message


def test_a_product_deleted_since_the_sale_still_gives_its_line(connection, fake):
    order_add(fake, 5)
    del fake.data["products"][1]
    del fake.data["combinations"][2]
    shirt = order_read(connection, "5").lines[0]
    assert (shirt.sku, shirt.product_ref, shirt.variant_ref, shirt.category, shirt.size) == (
        "demo_1-M-WHT",
        "1",
        "2",
        "",
        "",
    )
