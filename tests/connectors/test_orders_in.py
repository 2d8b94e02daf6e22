"""Platform orders become our orders the same way whichever path brings them (webhook or backfill)."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rma.connectors.models import ShopConnection, ShopOrder, ShopSku
from rma.connectors.orders_in import OrderNotYetKnown, order_data_apply, order_event_apply
from rma.connectors.platforms.base import OrderData, OrderDelivered, OrderLineData
from rma.connectors.stock import ConnectionShopClient
from rma.orders.models import Order
from rma.orders.services import OrderConflict

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def connection():
    return ShopConnection.objects.create(
        name="eu-shop",
        platform="woocommerce",
        shop_url="https://shop.example",
        order_number_prefix="EU-",
        options={"category_map": {"T-shirts": "apparel"}, "locale": "fr"},
    )


def order_data(*, updated_minutes_ago=10, refunded=0, quantity=2, **fields):
    now = NOW
    line = OrderLineData(
        line_ref="701",
        sku="TEE-M-BLUE",
        name="Tee",
        quantity=quantity,
        unit_price=Decimal("19.90"),
        unit_tax=Decimal("3.32"),
        product_ref="55",
        variant_ref="56",
        category="T-shirts",
        size="M",
        colour="Blue",
        refunded_quantity=refunded,
    )
    values = {
        "order_ref": "9001",
        "number": "1042",
        "placed_at": now - timedelta(days=3),
        "updated_at": now - timedelta(minutes=updated_minutes_ago),
        "customer_email": "Ana@Example.com",
        "currency": "eur",
        "lines": [line],
        "customer_name": "Ana Lima",
        "locale": "fr-FR",
        "postcode": "69002",
        "city": "Lyon",
        "country": "FR",
        "extra": {"order_gid": "gid://shop/Order/9001"},
    }
    values.update(fields)
    return OrderData(**values)


def test_a_platform_order_becomes_ours_under_an_id_namespaced_by_its_connection(connection):
    applied = order_data_apply(connection=connection, data=order_data())

    order = Order.objects.get()
    assert applied.outcome == "created"
    assert (order.external_id, order.number, order.currency, order.locale) == ("eu-shop:9001", "EU-1042", "EUR", "fr")
    assert order.customer_email == "ana@example.com"
    line = order.lines.get()
    assert (line.external_id, line.sku, line.product_ref, line.variant_ref) == ("701", "TEE-M-BLUE", "55", "56")
    assert (line.category, line.size, line.colour) == ("apparel", "M", "Blue")
    assert (line.unit_price, line.unit_tax, line.quantity) == (Decimal("19.90"), Decimal("3.32"), 2)
    link = ShopOrder.objects.get()
    assert (link.order_ref, link.extra) == ("9001", {"order_gid": "gid://shop/Order/9001"})


def test_the_same_order_twice_changes_nothing_and_an_older_update_is_not_applied(connection):
    order_data_apply(connection=connection, data=order_data(updated_minutes_ago=5))
    again = order_data_apply(connection=connection, data=order_data(updated_minutes_ago=5))
    older = order_data_apply(connection=connection, data=order_data(updated_minutes_ago=60, customer_name="Old Name"))

    assert again.outcome == "unchanged"
    assert older.outcome == "stale"
    assert Order.objects.get().customer_name == "Ana Lima"


def test_units_refunded_in_the_shop_are_no_longer_returnable(connection):
    order_data_apply(connection=connection, data=order_data(refunded=1, updated_minutes_ago=9))
    assert Order.objects.get().lines.get().quantity == 1

    order_data_apply(connection=connection, data=order_data(refunded=2, updated_minutes_ago=8))
    line = Order.objects.get().lines.get()
    assert (line.quantity, line.non_returnable_reason) == (2, "refunded")


def test_two_shops_may_use_the_same_order_ids_but_not_the_same_number(connection):
    other = ShopConnection.objects.create(name="uk-shop", platform="shopify", shop_url="https://uk.example")
    order_data_apply(connection=connection, data=order_data())
    order_data_apply(connection=other, data=order_data(number="UK-1042"))
    assert sorted(Order.objects.values_list("external_id", flat=True)) == ["eu-shop:9001", "uk-shop:9001"]

    clash = ShopConnection.objects.create(name="clash", platform="shopify", shop_url="https://c.example")
    with pytest.raises(OrderConflict):
        order_data_apply(connection=clash, data=order_data(number="UK-1042", order_ref="1"))


def test_a_delivery_event_dates_the_order_and_an_update_without_one_keeps_it(connection):
    with pytest.raises(OrderNotYetKnown):
        order_event_apply(connection=connection, event=OrderDelivered(order_ref="9001", delivered_at=timezone.now()))

    order_data_apply(connection=connection, data=order_data(updated_minutes_ago=9))
    delivered = timezone.now() - timedelta(days=1)
    applied = order_event_apply(connection=connection, event=OrderDelivered(order_ref="9001", delivered_at=delivered))
    earlier = order_event_apply(
        connection=connection, event=OrderDelivered(order_ref="9001", delivered_at=delivered - timedelta(days=1))
    )
    order_data_apply(connection=connection, data=order_data(updated_minutes_ago=1, customer_name="Ana L."))

    order = Order.objects.get()
    assert (applied.outcome, earlier.outcome) == ("delivered", "unchanged")
    assert order.delivered_at == delivered
    assert order.customer_name == "Ana L."


def test_a_cancelled_order_is_kept_but_nothing_in_it_can_be_returned(connection):
    order_data_apply(connection=connection, data=order_data(cancelled=True, refunded=2))

    line = Order.objects.get().lines.get()
    assert (line.quantity, line.non_returnable_reason) == (2, "cancelled")


def test_the_skus_a_shop_sold_are_kept_with_the_platform_ids_of_its_latest_sale(connection):
    order_data_apply(connection=connection, data=order_data())
    [line] = order_data().lines
    later = [replace(line, line_ref="801", variant_ref="57")]
    order_data_apply(
        connection=connection,
        data=order_data(order_ref="9002", number="1043", placed_at=NOW - timedelta(days=1), lines=later),
    )
    # An old order that reaches us last (the backfill of history) does not say which variant the SKU is now.
    older = [replace(line, line_ref="601", variant_ref="50")]
    order_data_apply(
        connection=connection,
        data=order_data(order_ref="8001", number="900", placed_at=NOW - timedelta(days=90), lines=older),
    )

    sold = ShopSku.objects.get()
    assert (sold.connection, sold.sku, sold.product_ref, sold.variant_ref) == (connection, "TEE-M-BLUE", "55", "57")
    assert sold.last_sold_at == NOW - timedelta(days=1)


def test_exchanges_ask_the_enabled_shop_that_sold_the_sku_last(connection):
    other = ShopConnection.objects.create(name="us-shop", platform="shopify", shop_url="https://us.example")
    order_data_apply(connection=connection, data=order_data(placed_at=NOW - timedelta(days=5)))
    order_data_apply(connection=other, data=order_data(placed_at=NOW - timedelta(days=2), number="US-7"))
    client = ConnectionShopClient()

    assert client._sold_by("TEE-M-BLUE").connection == other
    other.enabled = False
    other.save(update_fields=["enabled"])
    assert client._sold_by("TEE-M-BLUE").connection == connection
    assert client._sold_by("NEVER-SOLD") is None
