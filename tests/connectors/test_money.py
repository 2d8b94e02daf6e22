"""A refund or store credit released for a shop's order becomes one call to that shop, through the outbox."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rma.connectors.choices import ShopTopic
from rma.connectors.models import ShopConnection
from rma.connectors.orders_in import order_data_apply
from rma.connectors.platforms.base import OrderData, OrderLineData, RefundOrder
from rma.core.exceptions import Conflict
from rma.locations.models import Warehouse
from rma.notifications.choices import OutboxStatus
from rma.notifications.models import OutboxMessage
from rma.notifications.services import outbox_message_deliver
from rma.returns.models import ReturnRequest
from rma.warehouse.choices import DispositionKind
from rma.warehouse.models import Disposition
from rma.warehouse.services import arrival_register, refund_release
from tests.warehouse.test_refunds import inspect_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection():
    return ShopConnection.objects.create(name="eu-shop", platform="woocommerce", shop_url="https://shop.example")


@pytest.fixture
def shop_line(connection):
    """A line of two tees sold through the connected shop."""
    data = OrderData(
        order_ref="9001",
        number="1042",
        placed_at=timezone.now() - timedelta(days=5),
        updated_at=timezone.now(),
        delivered_at=timezone.now() - timedelta(days=2),
        customer_email="ana@example.com",
        currency="EUR",
        lines=[
            OrderLineData(
                line_ref="701", sku="TEE-M", name="Tee", quantity=2, unit_price=Decimal("25.00"), category="apparel"
            )
        ],
        extra={"customer_id": 12},
    )
    return order_data_apply(connection=connection, data=data).order.lines.get()


def received_and_inspected(make_return, warehouse, operator, line, grades, **kwargs):
    return_request = make_return(order_line=line, quantity=len(grades), **kwargs)
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    return_request.refresh_from_db()
    inspect_all(return_request, operator, grades)
    return return_request


def shop_calls():
    return list(OutboxMessage.objects.filter(channel="shop").order_by("id"))


def test_a_released_refund_is_one_shop_call_restocking_only_what_the_warehouse_restocked(
    make_return, warehouse, operator, shop_line, reference_data
):
    return_request = received_and_inspected(make_return, warehouse, operator, shop_line, ["A", "D"])
    restocked = Disposition.objects.filter(
        inspection__return_line__return_request=return_request,
        kind__in=(DispositionKind.RESTOCK, DispositionKind.RESTOCK_OPEN_BOX),
    ).count()

    refund = refund_release(return_request=return_request, actor=operator).refund
    with pytest.raises(Conflict):
        refund_release(return_request=ReturnRequest.objects.get(pk=return_request.pk), actor=operator)

    (call,) = shop_calls()
    order = RefundOrder.from_payload(call.payload)
    assert (call.topic, call.destination) == (
        ShopTopic.REFUND,
        f"connection:{shop_line.order.shop_link.connection_id}",
    )
    assert call.dedupe_key == f"shop:refund:{refund.public_id}"
    assert (order.reference, order.order_ref, order.amount) == (str(refund.public_id), "9001", refund.amount)
    assert [(x.line_ref, x.quantity, x.restock_quantity) for x in order.lines] == [("701", 2, restocked)]
    assert 0 < restocked < 2, "the grades chosen should restock one unit and not the other"
    assert order.order_extra == {"customer_id": 12}


def test_an_order_from_no_connected_shop_calls_no_shop(make_return, warehouse, operator, order_line, reference_data):
    return_request = received_and_inspected(make_return, warehouse, operator, order_line, ["A"])
    refund_release(return_request=return_request, actor=operator)
    assert shop_calls() == []


def test_a_call_to_a_disabled_connection_is_dead_lettered_with_the_way_out(
    make_return, warehouse, operator, shop_line, connection, reference_data
):
    return_request = received_and_inspected(make_return, warehouse, operator, shop_line, ["A"])
    refund_release(return_request=return_request, actor=operator)
    ShopConnection.objects.filter(pk=connection.pk).update(enabled=False)

    (call,) = shop_calls()
    outbox_message_deliver(message_id=call.pk)

    call.refresh_from_db()
    assert call.status == OutboxStatus.DEAD
    assert "disabled: enable it, then replay" in call.last_error


def test_the_returns_of_a_shops_orders_go_to_its_default_warehouse(
    make_return, shop_line, connection, other_warehouse
):
    connection.default_warehouse = other_warehouse
    connection.save()

    return_request = make_return(order_line=shop_line)

    assert return_request.destination_warehouse == other_warehouse


def test_a_default_warehouse_that_is_closed_leaves_the_returns_to_the_nearest_one(
    make_return, shop_line, connection, warehouse, other_warehouse
):
    connection.default_warehouse = other_warehouse
    connection.save()
    other_warehouse.is_active = False
    other_warehouse.save()

    return_request = make_return(order_line=shop_line, quantity=1)

    assert return_request.destination_warehouse == warehouse  # the one still open


def test_another_connections_default_warehouse_does_not_take_this_shops_returns(make_return, shop_line, connection):
    nearest = make_return(order_line=shop_line, quantity=1).destination_warehouse
    elsewhere = Warehouse.objects.create(code="WH-NOR", name="Entrepôt Nord", postcode="59000", city="Lille")
    ShopConnection.objects.create(
        name="uk-shop", platform="woocommerce", shop_url="https://uk.shop.example", default_warehouse=elsewhere
    )

    return_request = make_return(order_line=shop_line, quantity=1)

    assert return_request.destination_warehouse == nearest != elsewhere
