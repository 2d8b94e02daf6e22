"""The whole story with the real worker, on Shopify's own examples: the documented order #9999 comes in by
orders/create, its documented fulfillment is delivered, a line is returned and inspected, and the shop receives
exactly one refundCreate, through a 500."""

import copy
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rma.orders.models import Order
from rma.returns.choices import ReturnStatus
from rma.warehouse.models import Refund
from rma.warehouse.services import arrival_register, refund_release
from tests.connectors.shopify.fake import payload
from tests.connectors.shopify.test_story import delivered, send
from tests.warehouse.test_refunds import inspect_all
from tests.workers.live import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
ORDER_REF = "820982911946154508"
SUNGLASSES = "487817672276298554"


def test_the_documented_order_returned_is_refunded_once_in_shopify(
    live_worker,
    fast_retries,
    fake_shopify,
    connection,
    make_return,
    warehouse,
    operator,
):
    six_days_ago = (timezone.now() - timedelta(days=6)).isoformat()
    order_body = copy.deepcopy(payload("docs/order.json"))
    order_body.update(cancelled_at=None, cancel_reason=None, created_at=six_days_ago, updated_at=six_days_ago)
    fake_shopify.add_order(order_body, gateway="bogus")
    assert send(connection, "orders/create", order_body).status == "processed"
    fulfillment = {**payload("docs/fulfillment.json"), "status": "success", "shipment_status": "delivered",
                   "updated_at": (timezone.now() - timedelta(days=3)).isoformat()}  # fmt: skip
    assert send(connection, "fulfillments/update", fulfillment).status == "processed"

    order = Order.objects.get(external_id=f"maison-lin:{ORDER_REF}")
    line = order.lines.get(external_id=SUNGLASSES)
    return_request = make_return(order_line=line, quantity=1, status=ReturnStatus.IN_TRANSIT, destination=warehouse)
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    return_request.refresh_from_db()
    inspect_all(return_request, operator, ["A"])
    fake_shopify.fail("refundCreate", status=500, times=1)

    refund_release(return_request=return_request, actor=operator)
    wait_for(lambda: delivered("shop.refund"), what="the refund in Shopify", timeout=20)
    live_worker.idle()

    refund = Refund.objects.get(return_request=return_request)
    [made] = fake_shopify.refunds(ORDER_REF)
    assert str(refund.public_id) in made["note"]
    assert [(i["line_item_id"], i["quantity"], i["restock_type"]) for i in made["refund_line_items"]] == [
        (int(SUNGLASSES), 1, "return")
    ]
    assert [Decimal(t["amount"]) for t in made["transactions"]] == [refund.amount]
    assert refund.amount == Decimal("89.99")
    assert len(fake_shopify.root_calls("refundCreate")) == 2
