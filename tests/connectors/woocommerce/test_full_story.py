"""The whole story with the real worker: a WooCommerce order comes in by webhook, its customer returns it, the
warehouse grades and releases the refund, and WooCommerce gets exactly one refund (or one coupon), whether it
answers 500 twice first or the worker making the call is killed in the middle of it."""

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from rma.notifications.choices import OutboxStatus
from rma.notifications.models import OutboxMessage
from rma.notifications.tasks import outbox_messages_sweep
from rma.orders.models import Order
from rma.returns.choices import ReturnStatus
from rma.warehouse.models import Refund, StoreCredit
from rma.warehouse.services import arrival_register, refund_release
from tests.connectors.woocommerce.conftest import deliver, order_payload
from tests.returns.factories import return_request_make
from tests.warehouse.test_refunds import inspect_all
from tests.workers.live import database_url, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
REFUNDS = r"orders/727/refunds"


def _gmt(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture
def shop_order(live_worker, connection, woo, fast_retries):
    """Order 727, placed three days ago and completed yesterday, received by webhook and mapped by the worker."""
    now = timezone.now()
    order = woo.add_order(
        order_payload(
            status="completed",
            date_created_gmt=_gmt(now - timedelta(days=3)),
            date_modified_gmt=_gmt(now - timedelta(days=1)),
            date_completed_gmt=_gmt(now - timedelta(days=1)),
        )
    )
    assert deliver(connection, order).status_code == 200
    return wait_for(
        lambda: Order.objects.filter(external_id="woo-eu:727", lines__isnull=False).distinct().first(),
        what="the order mapped by the worker",
    )


def _returned(order, *, policy, reason, relay, warehouse, operator, grades, **options):
    shirt = order.lines.get(external_id="315")
    return_request = return_request_make(
        reason=reason,
        relay=relay,
        order_line=shirt,
        quantity=len(grades),
        status=ReturnStatus.IN_TRANSIT,
        destination=warehouse,
        **options,
    )
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    return_request.refresh_from_db()
    inspect_all(return_request, operator, grades)
    return return_request


def _shop_messages() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(channel="shop").order_by("id"))


def _delivered(message: OutboxMessage) -> bool:
    return OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.DELIVERED).exists()


def test_a_refund_released_in_the_warehouse_is_made_once_in_woocommerce_after_two_500s(
    live_worker, shop_order, woo, policy, reason, relay, warehouse, operator
):
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
    refund = Refund.objects.get(return_request=return_request)
    (message,) = _shop_messages()
    wait_for(lambda: _delivered(message), what="the refund made in the shop", timeout=20)
    live_worker.idle()

    (made,) = woo.refunds[727]
    assert made["amount"] == str(refund.amount) == "108.00"
    assert f"[rma:{refund.public_id}]" in made["reason"]
    assert woo.restocked == [(94, 2)]  # both units graded A went back on sale
    assert len(woo.calls("POST", REFUNDS)) == 3
    message.refresh_from_db()
    assert (message.attempts, message.topic) == (3, "shop.refund")
    # WooCommerce tells us of its refund (order.updated): our own, its units stay in our return.
    refunded = {**woo.orders[727], "date_modified_gmt": _gmt(timezone.now())}
    assert (
        deliver(shop_order_connection(shop_order), refunded, topic="order.updated", delivery_id="2").status_code == 200
    )
    live_worker.idle()
    assert shop_order.lines.get(external_id="315").quantity == 2


def shop_order_connection(order):
    return order.shop_link.connection


DELIVER_IN_A_PROCESS = """
import sys

import django

django.setup()
from rma.notifications.services import outbox_message_deliver

outbox_message_deliver(message_id=int(sys.argv[1]))
"""


def test_a_worker_killed_in_the_middle_of_the_call_never_refunds_twice(
    live_worker, postgres_only, shop_order, woo, policy, reason, relay, warehouse, operator
):
    """Graded A and C: one unit back on sale, one sold second-hand, so two WooCommerce refunds. The process making
    the first is SIGKILLed after WooCommerce made it, before it could record anything; the sweep hands the call
    to the worker, which finds that refund by our reference and makes only the other one."""
    return_request = _returned(
        shop_order,
        policy=policy,
        reason=reason,
        relay=relay,
        warehouse=warehouse,
        operator=operator,
        grades=["A", "C"],
    )
    with live_worker.broker_unreachable():
        refund_release(return_request=return_request, actor=operator)
    (message,) = _shop_messages()
    assert (message.status, message.enqueued_at) == (OutboxStatus.PENDING, None)

    woo.hold("POST", REFUNDS)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "returns_portal.settings.test", "DATABASE_URL": database_url()}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-c", DELIVER_IN_A_PROCESS, str(message.pk)], cwd=django_settings.BASE_DIR, env=env
    )
    try:
        assert woo.held.wait(timeout=60), "the process never reached the shop"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        woo.release()
    assert len(woo.refunds[727]) == 1  # WooCommerce made the first part
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)  # the kill rolled the attempt back

    # The sweep (beat) hands it, with the customer's email held back meanwhile, to the worker.
    assert outbox_messages_sweep(now=timezone.now() + timedelta(minutes=5)) >= 1
    wait_for(lambda: _delivered(message), what="the swept call", timeout=20)
    live_worker.idle()
    restocked, kept = woo.refunds[727]
    refund = Refund.objects.get(return_request=return_request)
    assert Decimal(restocked["amount"]) + Decimal(kept["amount"]) == refund.amount
    assert [p.body["meta_data"][1]["value"] for p in woo.calls("POST", REFUNDS)] == ["restocked", "kept"]
    assert woo.restocked == [(94, 1)]


def test_a_store_credit_return_becomes_one_coupon_in_woocommerce(
    live_worker, shop_order, woo, policy, reason, relay, warehouse, operator
):
    return_request = _returned(
        shop_order,
        policy=policy,
        reason=reason,
        relay=relay,
        warehouse=warehouse,
        operator=operator,
        grades=["A"],
        resolution="store_credit",
    )
    woo.fail("POST", "coupons", 500, after=True)  # made, but the answer is lost: the retry finds it by its code
    refund_release(return_request=return_request, actor=operator)
    credit = StoreCredit.objects.get(return_request=return_request)
    messages = _shop_messages()
    assert [m.topic for m in messages] == ["shop.store_credit"]
    wait_for(lambda: _delivered(messages[0]), what="the coupon made in the shop", timeout=20)
    live_worker.idle()
    (coupon,) = woo.coupons
    assert (coupon["code"], coupon["amount"]) == (credit.code.lower(), str(credit.amount))
    assert coupon["email_restrictions"] == [return_request.contact_email]
    assert not woo.refunds.get(727)
