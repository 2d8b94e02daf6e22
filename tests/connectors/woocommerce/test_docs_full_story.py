"""The documented order (``_orders.md``, Retrieve an order: a guest, paid by bank transfer, a line without SKU at
3.225 a unit) the whole way with the real worker: in by webhook as WooCommerce sends it, returned, refunded once
in WooCommerce after two 500s, for what it was paid and without asking the bank-transfer gateway."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rma.orders.models import Order
from rma.warehouse.models import Refund
from rma.warehouse.services import refund_release
from tests.connectors.woocommerce.docs import deliver, doc
from tests.connectors.woocommerce.test_full_story import _delivered, _gmt, _returned, _shop_messages
from tests.workers.live import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
REFUNDS = r"orders/727/refunds"


def test_the_documented_order_is_returned_and_refunded_once_for_what_it_was_paid(
    live_worker, connection, woo, fast_retries, policy, reason, relay, warehouse, operator
):
    now = timezone.now()
    # Only its dates are moved to this week (the return window); the rest is the example as printed.
    order = {
        **doc("order-update.json"),
        "date_created_gmt": _gmt(now - timedelta(days=3)),
        "date_modified_gmt": _gmt(now - timedelta(days=1)),
        "date_completed_gmt": _gmt(now - timedelta(days=1)),
    }
    woo.add_order(order)
    assert deliver(connection, order, topic="order.updated").status_code == 200
    shop_order = wait_for(
        lambda: Order.objects.filter(external_id="woo-eu:727", lines__isnull=False).distinct().first(),
        what="the order mapped by the worker",
    )
    return_request = _returned(
        shop_order,
        policy=policy,
        reason=reason,
        relay=relay,
        warehouse=warehouse,
        operator=operator,
        grades=["A", "A"],
    )
    woo.fail("POST", REFUNDS, 500, times=2)
    refund_release(return_request=return_request, actor=operator)
    (message,) = _shop_messages()
    wait_for(lambda: _delivered(message), what="the refund made in the shop", timeout=20)
    live_worker.idle()

    refund = Refund.objects.get(return_request=return_request)
    (made,) = woo.refunds[727]
    assert len(woo.calls("POST", REFUNDS)) == 3
    assert refund.amount == Decimal("6.46")  # 2 x 3.23 to us
    assert made["amount"] == "6.45"  # what the two units were paid
    assert f"[rma:{refund.public_id}]" in made["reason"]
    (sent, *_retries) = woo.calls("POST", REFUNDS)
    assert (sent.body["api_refund"], sent.body["api_restock"]) == (False, True)  # "bacs"; both graded A
    assert woo.restocked == [(93, 2)]
