"""The outbox through a real Celery worker on the real Redis: delivered once, even when Redis or a worker dies."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from rma.notifications.choices import OutboxStatus
from rma.notifications.destinations import outbox_secret_ref
from rma.notifications.models import OutboxMessage
from rma.notifications.outbox import outbox_enqueue
from rma.notifications.services import DeliveryOutcome
from rma.notifications.tasks import outbox_deliver_task, outbox_messages_sweep
from tests.workers.live import database_url, wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]
DELIVER = "rma.notifications.deliver"


def _delivered(*messages: OutboxMessage) -> bool:
    pks = [m.pk for m in messages]
    return OutboxMessage.objects.filter(pk__in=pks, status=OutboxStatus.DELIVERED).count() == len(pks)


def _webhook(warehouse, receiver, key: str = "worker:webhook") -> OutboxMessage:
    return outbox_enqueue(
        channel="webhook",
        topic="return.approved",
        destination=receiver.url("/hooks/wh-idf"),
        payload={"event": "return.approved", "rma_number": key},
        dedupe_key=key,
        secret_ref=outbox_secret_ref(warehouse),
    )


def test_approving_a_return_delivers_the_signed_warehouse_webhook(
    live_worker, make_return, notified_warehouse, receiver, mailoutbox
):
    return_request = make_return(contact_email="chloe@example.fr")
    assert return_request.status == "approved"

    hit = wait_for(
        lambda: next((h for h in receiver.hits if h.topic == "return.approved"), None), what="the warehouse webhook"
    )
    assert hit.signature_valid
    assert hit.path == "/hooks/wh-idf"
    assert (hit.payload["rma_number"], hit.payload["status"], hit.payload["warehouse"]) == (
        return_request.rma_number,
        "approved",
        "WH-IDF",
    )
    live_worker.idle()
    prefix = f"return:{return_request.public_id}:approved"
    webhook = OutboxMessage.objects.get(dedupe_key=f"{prefix}:warehouse-webhook")
    assert hit.delivery_id == str(webhook.delivery_id)
    assert (webhook.status, webhook.attempts) == (OutboxStatus.DELIVERED, 1)
    assert webhook.enqueued_at is not None  # it went through the broker, not the sweeper
    assert receiver.hits_by_delivery_id()[hit.delivery_id] == 1
    # The customer's and the warehouse's emails went through the same worker.
    customer = OutboxMessage.objects.get(dedupe_key=f"{prefix}:customer-email")
    notice = OutboxMessage.objects.get(dedupe_key=f"{prefix}:warehouse-email")
    sent = {email.extra_headers["X-RMA-Delivery"]: email for email in mailoutbox}
    assert sent[str(customer.delivery_id)].to == ["chloe@example.fr"]
    assert sent[str(notice.delivery_id)].to == ["quai@entrepot.example.com"]
    assert live_worker.runs.results(DELIVER, webhook.pk) == [DeliveryOutcome.DELIVERED]


def test_the_label_email_follows_the_label_the_worker_generated(live_worker, make_return, mailoutbox):
    """Labels (queue "labels") and notifications (queue "notifications") chained through one worker."""
    return_request = make_return()
    # Watch what the worker produces rather than poll the database it is writing (SQLite locks whole tables).
    email = wait_for(
        lambda: next((e for e in mailoutbox if e.extra_headers["X-RMA-Topic"] == "label_ready"), None),
        what="the label_ready email",
    )
    live_worker.idle()
    return_request.refresh_from_db()
    assert return_request.status == "label_ready"
    message = OutboxMessage.objects.get(dedupe_key=f"return:{return_request.public_id}:label_ready:customer-email")
    assert message.status == OutboxStatus.DELIVERED
    assert email.extra_headers["X-RMA-Delivery"] == str(message.delivery_id)
    assert f"/r/{return_request.public_id}/label.pdf" in email.body
    assert message.payload["tracking_number"]
    assert message.payload["tracking_number"] in email.body


def test_messages_written_while_redis_is_down_go_out_once_it_is_back(
    live_worker, make_return, notified_warehouse, receiver, mailoutbox
):
    with live_worker.broker_unreachable():
        returns = [make_return() for _ in range(3)]
        # The returns were created and approved all the same; their messages wait in the outbox.
        assert [r.status for r in returns] == ["approved"] * 3
        messages = list(OutboxMessage.objects.order_by("id"))
        assert len(messages) == 9  # per return: customer email, warehouse webhook, warehouse email
        assert {(m.status, m.attempts, m.enqueued_at) for m in messages} == {(OutboxStatus.PENDING, 0, None)}
        live_worker.idle()
        assert receiver.hits == []
        assert mailoutbox == []

    # Redis is back. Beat runs the sweeper every minute; it picks up what was never handed over.
    assert outbox_messages_sweep(now=timezone.now() + timedelta(seconds=31)) == 9
    wait_for(lambda: len(receiver.hits) >= 3 and len(mailoutbox) >= 6, what="three webhooks and six emails")
    live_worker.idle()
    assert _delivered(*messages)

    webhooks = [m for m in messages if m.channel == "webhook"]
    emails = [m for m in messages if m.channel == "email"]
    assert receiver.hits_by_delivery_id() == {str(m.delivery_id): 1 for m in webhooks}
    assert all(hit.signature_valid for hit in receiver.hits)
    sent_ids = sorted(email.extra_headers["X-RMA-Delivery"] for email in mailoutbox)
    assert sent_ids == sorted(str(m.delivery_id) for m in emails)  # each email once
    # A later sweep finds nothing left to send.
    assert outbox_messages_sweep(now=timezone.now() + timedelta(hours=1)) == 0
    live_worker.idle()
    assert len(receiver.hits) == 3
    assert len(mailoutbox) == 6


def test_the_same_task_delivered_three_times_sends_once(live_worker, notified_warehouse, receiver):
    message = _webhook(notified_warehouse, receiver)  # handed to the broker after its commit
    outbox_deliver_task.delay(message.pk)  # and twice more, as a redelivery or a sweep would
    outbox_deliver_task.delay(message.pk)
    outcomes = live_worker.runs.wait(DELIVER, message.pk, count=3)
    assert sorted(outcomes) == sorted(
        [DeliveryOutcome.DELIVERED, DeliveryOutcome.ALREADY_FINISHED, DeliveryOutcome.ALREADY_FINISHED]
    )
    assert receiver.hits_by_delivery_id() == {str(message.delivery_id): 1}


def test_an_answer_lost_on_the_way_back_is_retried_with_the_same_delivery_id(
    live_worker, notified_warehouse, receiver, settings
):
    """The receiver processed the webhook but answered after our timeout: the retry goes through the broker
    (countdown) and carries the same X-RMA-Delivery, so the receiver drops it and we record it delivered."""
    settings.RMA_WEBHOOK_TIMEOUT_SECONDS = 0.5
    settings.RMA_OUTBOX_BACKOFF_BASE_SECONDS = 1
    receiver.answer(200, delay=3)
    message = _webhook(notified_warehouse, receiver)
    outcomes = live_worker.runs.wait(DELIVER, message.pk, count=2, timeout=20)
    assert outcomes == [DeliveryOutcome.RETRY_SCHEDULED, DeliveryOutcome.DELIVERED]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.DELIVERED, 2)
    assert "Timeout" in message.last_error
    delivery_id = str(message.delivery_id)
    assert receiver.hits_by_delivery_id() == {delivery_id: 2}
    assert receiver.processed == {delivery_id: 1}
    assert receiver.duplicates_dropped == {delivery_id: 1}


KILLED_DELIVERY = """
import sys
import django

django.setup()
from rma.notifications.services import outbox_message_deliver

outbox_message_deliver(message_id=int(sys.argv[1]))
"""


def _row_unlocked(pk: int) -> bool:
    try:
        with transaction.atomic():
            list(OutboxMessage.objects.select_for_update(nowait=True).filter(pk=pk))
    except DatabaseError:
        return False
    return True


def test_a_worker_killed_between_sending_and_recording_is_repeated_with_the_same_delivery_id(
    live_worker, postgres_only, notified_warehouse, receiver
):
    """SIGKILL a process in the middle of a delivery: after the receiver got the webhook, before the commit."""
    with live_worker.broker_unreachable():
        message = _webhook(notified_warehouse, receiver)  # stays in the outbox: nothing is in the broker
    receiver.answer(200, hold=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "returns_portal.settings.test", "DATABASE_URL": database_url()}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_DELIVERY, str(message.pk)], cwd=django_settings.BASE_DIR, env=env
    )
    try:
        assert receiver.held.wait(timeout=60), "the doomed worker never reached the receiver"
        process.kill()  # SIGKILL: no except, no finally, no rollback from Python
        assert process.wait(timeout=10) == -9
    finally:
        receiver.release()
        if process.poll() is None:
            process.kill()
            process.wait()

    # PostgreSQL rolled the dead connection's transaction back: the lock is gone, nothing was recorded.
    wait_for(lambda: _row_unlocked(message.pk), what="the dead worker's row lock to go")
    message.refresh_from_db()
    assert (message.status, message.attempts, message.delivered_at) == (OutboxStatus.PENDING, 0, None)

    # The task comes back (acks_late redelivery, or the sweeper) and sends again, with the same delivery id.
    outbox_deliver_task.delay(message.pk)
    assert live_worker.runs.wait(DELIVER, message.pk, count=1) == [DeliveryOutcome.DELIVERED]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.DELIVERED, 1)
    delivery_id = str(message.delivery_id)
    assert receiver.hits_by_delivery_id() == {delivery_id: 2}
    assert receiver.processed == {delivery_id: 1}  # the receiver acted once
    assert receiver.duplicates_dropped == {delivery_id: 1}
