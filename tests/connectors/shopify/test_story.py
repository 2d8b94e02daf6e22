"""The whole story with the real worker: a Shopify order comes in by webhook, the customer returns it, the
warehouse inspects and releases the money, and the shop receives exactly one refund (or one gift card), whatever
fails on the way: 500s, a lost answer, a worker whose database connection dies in the middle of the call."""

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection as db
from django.test import Client
from django.utils import timezone

from rma.connectors.models import InboxDelivery, ShopConnection
from rma.notifications.models import OutboxMessage
from rma.notifications.tasks import outbox_messages_sweep
from rma.orders.models import Order
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnPolicy
from rma.warehouse.models import Refund, StoreCredit
from rma.warehouse.services import arrival_register, refund_release
from tests.connectors.shopify.fake import FakeShopify, payload, webhook_headers
from tests.warehouse.test_refunds import inspect_all
from tests.workers.live import database_url, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
ORDER_REF = "5501001"


def send(connection: ShopConnection, topic: str, body: dict) -> InboxDelivery:
    raw = json.dumps(body).encode()
    response = Client().post(
        f"/webhooks/shops/{connection.public_id}/", data=raw, content_type="application/json",
        **webhook_headers(topic, raw),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    delivery = InboxDelivery.objects.get(delivery_id=response.json()["delivery"])
    wait_for(
        lambda: InboxDelivery.objects.filter(pk=delivery.pk).exclude(status="pending").exists(),
        what=f"the worker to map {topic}",
    )
    delivery.refresh_from_db()
    return delivery


def order_in(shop: FakeShopify, connection: ShopConnection) -> Order:
    """Order #1001, placed six days ago and delivered three days ago, received by webhook through the worker."""
    now = timezone.now()
    body = payload("order.json")
    body.update(created_at=(now - timedelta(days=6)).isoformat(), updated_at=(now - timedelta(days=6)).isoformat())
    shop.orders[ORDER_REF].update(body)
    assert send(connection, "orders/create", body).status == "processed"
    delivered = {**payload("fulfillment_delivered.json"), "updated_at": (now - timedelta(days=3)).isoformat()}
    assert send(connection, "fulfillments/update", delivered).status == "processed"
    order = Order.objects.get(external_id=f"maison-lin:{ORDER_REF}")
    assert order.delivered_at is not None
    return order


def returned_and_inspected(order: Order, make_return, warehouse, operator, grades: list[str], **options):
    """The two shirts returned, received and inspected: A goes back on sale, C is sold second-hand."""
    shirt = order.lines.get(external_id="13001")
    return_request = make_return(
        order_line=shirt, quantity=2, status=ReturnStatus.IN_TRANSIT, destination=warehouse, **options
    )
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    return_request.refresh_from_db()
    inspect_all(return_request, operator, grades)
    return return_request


def shop_message(topic: str) -> OutboxMessage:
    return OutboxMessage.objects.get(channel="shop", topic=topic)


def delivered(topic: str) -> bool:
    return OutboxMessage.objects.filter(channel="shop", topic=topic, status="delivered").exists()


def assert_one_refund(shop: FakeShopify, refund: Refund) -> None:
    [made] = shop.refunds(ORDER_REF)
    assert str(refund.public_id) in made["note"]
    assert sorted((i["line_item_id"], i["quantity"], i["restock_type"]) for i in made["refund_line_items"]) == [
        (13001, 1, "no_restock"),
        (13001, 1, "return"),
    ]
    assert [Decimal(t["amount"]) for t in made["transactions"]] == [refund.amount]


def test_a_refund_released_in_the_warehouse_is_made_once_in_shopify_through_two_500s(
    live_worker, fast_retries, shop, connection, make_return, warehouse, operator
):
    order = order_in(shop, connection)
    return_request = returned_and_inspected(order, make_return, warehouse, operator, ["A", "C"])
    shop.fail("refundCreate", status=500, times=2)

    refund_release(return_request=return_request, actor=operator)
    wait_for(lambda: delivered("shop.refund"), what="the refund in Shopify", timeout=20)
    live_worker.idle()

    refund = Refund.objects.get(return_request=return_request)
    assert_one_refund(shop, refund)
    assert len(shop.root_calls("refundCreate")) == 3
    assert shop_message("shop.refund").attempts == 3
    # Shopify then tells us about the refund: it is ours, nothing changes.
    echo = {**payload("refund.json"), "note": shop.refunds(ORDER_REF)[0]["note"]}
    echo["refund_line_items"] = shop.refunds(ORDER_REF)[0]["refund_line_items"]
    delivery = send(connection, "refunds/create", echo)
    assert (delivery.status, delivery.error) == ("ignored", "Our own refund, echoed by the shop.")


def test_a_worker_cut_off_after_shopify_made_the_refund_does_not_make_a_second_one(
    live_worker, fast_retries, postgres_only, shop, connection, make_return, warehouse, operator
):
    order = order_in(shop, connection)
    return_request = returned_and_inspected(order, make_return, warehouse, operator, ["A", "C"])
    answer = threading.Event()
    fault = shop.fail("refundCreate", hold=answer)  # made in the shop; the answer waits

    refund_release(return_request=return_request, actor=operator)
    assert fault.reached.wait(timeout=20), "the worker never called refundCreate"
    try:
        # The worker holds the outbox row in its transaction while it waits for Shopify: its connection dies.
        backends = wait_for(_backends_in_transaction, what="the worker's transaction")
        with db.cursor() as cursor:
            for pid in backends:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        answer.set()

    wait_for(lambda: delivered("shop.refund"), what="the retried call", timeout=20)
    live_worker.idle()
    assert_one_refund(shop, Refund.objects.get(return_request=return_request))
    assert len(shop.root_calls("refundCreate")) == 1  # the retry found it by its note
    message = shop_message("shop.refund")
    assert message.attempts == 2
    assert "connection" in message.last_error.lower()


KILLED_MID_CALL = """
import sys

import django

django.setup()
from rma.notifications.services import outbox_message_deliver

outbox_message_deliver(message_id=int(sys.argv[1]))
"""


def _swept(message: OutboxMessage) -> bool:
    outbox_messages_sweep(now=timezone.now() + timedelta(seconds=31))
    message.refresh_from_db()
    return message.enqueued_at is not None or message.status != "pending"


def test_a_worker_killed_while_shopify_answers_leaves_the_refund_to_the_sweep_which_does_not_repeat_it(
    live_worker, fast_retries, postgres_only, shop, connection, make_return, warehouse, operator
):
    order = order_in(shop, connection)
    return_request = returned_and_inspected(order, make_return, warehouse, operator, ["A", "C"])
    answer = threading.Event()
    fault = shop.fail("refundCreate", hold=answer)  # made in the shop; the answer waits
    with live_worker.broker_unreachable():  # the live worker does not get it: a process of its own sends it
        refund_release(return_request=return_request, actor=operator)
    message = shop_message("shop.refund")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "returns_portal.settings.test", "DATABASE_URL": database_url()}
    env.pop("REDIS_URL", None)
    worker = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_CALL, str(message.pk)], cwd=django_settings.BASE_DIR, env=env
    )
    try:
        assert fault.reached.wait(timeout=30), "the worker process never called refundCreate"
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=10) == -signal.SIGKILL
    finally:
        answer.set()
        if worker.poll() is None:
            worker.kill()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)  # its transaction died with it
    assert len(shop.refunds(ORDER_REF)) == 1

    # The killed process's database session holds the message's row lock until PostgreSQL sees the connection
    # gone, and the sweep skips locked rows: sweep until this message is handed over.
    wait_for(lambda: _swept(message), what="the sweep to hand the message over", timeout=20)
    wait_for(lambda: delivered("shop.refund"), what="the swept call", timeout=20)
    live_worker.idle()
    assert_one_refund(shop, Refund.objects.get(return_request=return_request))
    assert len(shop.root_calls("refundCreate")) == 1  # the sweep's call found it by its note


def test_a_store_credit_return_becomes_one_gift_card_in_shopify(
    live_worker, fast_retries, shop, connection, make_return, warehouse, operator, policy
):
    ReturnPolicy.objects.filter(pk=policy.pk).update(store_credit_moment="inspection")
    order = order_in(shop, connection)
    return_request = returned_and_inspected(
        order, make_return, warehouse, operator, ["A", "A"], resolution="store_credit"
    )
    shop.fail("giftCardCreate", status=503, apply=True)  # made, but the answer is lost

    refund_release(return_request=return_request, actor=operator)
    wait_for(lambda: delivered("shop.store_credit"), what="the gift card in Shopify", timeout=20)
    live_worker.idle()

    credit = StoreCredit.objects.get(return_request=return_request)
    [card] = shop.gift_cards
    assert card["code"] == credit.code.replace("-", "")
    assert Decimal(card["initialValue"]) == credit.amount
    assert str(credit.public_id) in card["note"]
    assert shop.refunds() == []  # store credit: no money back on the card
    assert not OutboxMessage.objects.filter(channel="shop", topic="shop.refund").exists()


def _backends_in_transaction() -> list[int]:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND state LIKE 'idle in transaction%%'"
        )
        return [pid for (pid,) in cursor.fetchall()]
