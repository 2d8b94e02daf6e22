"""The whole way with the real worker: PrestaShop's order polled in, returned, inspected, refunded, and exactly
one credit slip (or one cart rule) in the shop, whatever the shop answers and even when the worker dies mid-call."""

import os
import subprocess
import sys
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from rma.notifications.choices import OutboxStatus
from rma.notifications.models import OutboxMessage
from rma.notifications.tasks import outbox_deliver_task
from rma.orders.models import OrderLine
from rma.returns.choices import ReturnStatus
from rma.warehouse.models import Grade
from rma.warehouse.services import (
    arrival_register,
    disposition_confirm,
    inspection_record,
    refund_release,
    warehouse_reference_data_seed,
)
from tests.connectors.prestashop.fake import ZONE
from tests.connectors.prestashop.shop import order_add
from tests.helpers import staff_member
from tests.workers.live import database_url, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
POLL = "rma.connectors.poll"
DELIVER = "rma.notifications.deliver"


def shop_time(days_ago: float) -> str:
    return (datetime.now(tz=ZONE) - timedelta(days=days_ago)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def story(live_worker, connection, fake, warehouse, make_return, settings):
    """The order polled in by the worker (beat's task), and a way to return its shirt up to the refund."""
    settings.RMA_OUTBOX_BACKOFF_BASE_SECONDS = 0.2
    warehouse_reference_data_seed()
    connection.options = {**connection.options, "category_map": {"T-shirts": "apparel"}}
    connection.default_warehouse = warehouse
    connection.save()
    order_add(fake, 5, date_upd=shop_time(1), date_add=shop_time(5), delivered_at=shop_time(2))
    from rma.connectors.tasks import shops_poll_task

    shops_poll_task.delay()
    assert live_worker.runs.wait(POLL, count=1) == [1]
    operator = staff_member(warehouse, "alice", "warehouse_staff")
    shirt = OrderLine.objects.get(order__external_id="ps-eu:5", external_id="501")
    assert (shirt.unit_price, shirt.category) == (Decimal("36.00"), "apparel")

    def returned(**options):
        return_request = make_return(
            order_line=shirt, quantity=1, status=ReturnStatus.IN_TRANSIT, destination=warehouse, **options
        )
        arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
        line = return_request.lines.get()
        grade = Grade.objects.get(scale__category="apparel", code="A")
        disposition_confirm(
            inspection=inspection_record(return_line=line, unit_index=0, actor=operator, grade=grade), actor=operator
        )
        return_request.refresh_from_db()
        return return_request, operator

    return returned


def shop_messages():
    return OutboxMessage.objects.filter(channel="shop")


def delivered(topic):
    return OutboxMessage.objects.filter(channel="shop", topic=topic, status=OutboxStatus.DELIVERED).first()


def shirt_stock(fake):
    return int(fake.data["stock_availables"][3]["quantity"])  # product 1, combination 2 (M, white)


def test_a_refund_reaches_the_shop_once_through_two_500s(story, fake, live_worker):
    fake.fail("POST", "order_slip", 500, times=2)
    return_request, operator = story()
    refund_release(return_request=return_request, actor=operator)
    message = wait_for(lambda: delivered("shop.refund"), what="the credit slip", timeout=20)
    live_worker.idle()
    assert message.attempts == 3
    [slip] = fake.rows("order_slip")
    assert (slip["id_order"], slip["amount"]) == ("5", "36.00")
    assert [hit.status for hit in fake.calls("POST", "order_slip")] == [500, 500, 201]
    assert shirt_stock(fake) == 6  # graded A: back on sale, once
    assert len(fake.calls("PUT", "stock_availables")) == 1
    assert fake.rows("cart_rules") == []


def test_a_store_credit_reaches_the_shop_once_as_a_cart_rule(story, fake, live_worker):
    fake.fail("POST", "cart_rules", 500, after_work=True)  # created, but the answer is lost
    return_request, operator = story(resolution="store_credit")
    refund_release(return_request=return_request, actor=operator)
    message = wait_for(lambda: delivered("shop.store_credit"), what="the cart rule", timeout=20)
    live_worker.idle()
    assert message.attempts == 2
    [rule] = fake.rows("cart_rules")
    assert (rule["code"], rule["id_customer"], rule["reduction_currency"]) == (message.payload["code"], "3", "1")
    assert Decimal(rule["reduction_amount"]) == Decimal(message.payload["amount"])
    assert fake.rows("order_slip") == []
    assert not shop_messages().filter(topic="shop.refund").exists()


KILLED_DELIVERY = """
import sys
import django

django.setup()
from rma.notifications.services import outbox_message_deliver

outbox_message_deliver(message_id=int(sys.argv[1]))
"""


def test_a_worker_killed_while_the_shop_creates_the_slip_leaves_one_slip(story, fake, live_worker, postgres_only):
    """SIGKILL the process making the call while PrestaShop holds it; PrestaShop then creates the slip anyway
    (nobody hears the answer). The redelivered task finds that slip (our intent message, the order, the amount,
    the date) and restocks once."""
    return_request, operator = story()
    with live_worker.broker_unreachable():
        refund_release(return_request=return_request, actor=operator)
    message = shop_messages().get(topic="shop.refund")
    hold = fake.hold("POST", "order_slip")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "returns_portal.settings.test", "DATABASE_URL": database_url()}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_DELIVERY, str(message.pk)], cwd=django_settings.BASE_DIR, env=env
    )
    try:
        assert hold.reached.wait(timeout=60), "the doomed worker never reached the shop"
        process.kill()
        assert process.wait(timeout=10) == -9
    finally:
        hold.go.set()
        if process.poll() is None:
            process.kill()
            process.wait()
    wait_for(lambda: len(fake.rows("order_slip")) == 1, what="the shop to create the slip nobody heard of")
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING

    outbox_deliver_task.delay(message.pk)
    wait_for(lambda: delivered("shop.refund"), what="the redelivered call", timeout=20)
    live_worker.idle()
    [slip] = fake.rows("order_slip")
    assert len(fake.calls("POST", "order_slip")) == 1
    assert shirt_stock(fake) == 6
    texts = [m["message"] for m in fake.rows("messages")]
    assert texts[1].endswith(f"credit slip #{slip['id']}.")
    assert len(texts) == 3  # intent, claim, restocked
