"""Notifications whose hand-over was lost recover in minutes, and a broker that is down costs requests nothing.

Faults are real: a PostgreSQL backend terminated in the middle of a delivery, a process SIGKILLed between its
commit and its publish, a Redis database flushed with the task in it, a broker that hangs up on every connection.
"""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from rma.core.queue import broker_breaker
from rma.notifications.choices import OutboxStatus
from rma.notifications.destinations import outbox_secret_ref
from rma.notifications.models import OutboxMessage
from rma.notifications.outbox import outbox_enqueue
from rma.notifications.services import DeliveryOutcome
from rma.notifications.tasks import outbox_messages_sweep
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from tests.workers.live import database_url, wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]
DELIVER = "rma.notifications.deliver"
# A lost hand-over must be picked up by a sweep two minutes after it (README, "Recovery").
STALE_WINDOW = timedelta(minutes=2)


def _webhook(warehouse, key: str) -> OutboxMessage:
    return outbox_enqueue(
        channel="webhook",
        topic="return.approved",
        destination=warehouse.notify_webhook_url,
        payload={"event": "return.approved", "rma_number": key},
        dedupe_key=key,
        secret_ref=outbox_secret_ref(warehouse),
    )


def _delivered(message: OutboxMessage) -> bool:
    return OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.DELIVERED).exists()


def _backends_in_transaction() -> list[int]:
    """The other connections to this database that sit inside a transaction: the worker's, holding the row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND state LIKE 'idle in transaction%%'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def test_a_database_dropped_after_the_receiver_answered_is_retried_at_once_and_recorded(
    live_worker, postgres_only, notified_warehouse, receiver
):
    """The worker sent the webhook; before it could record "delivered", its PostgreSQL backend was terminated.
    The task retries by itself (seconds, not the sweeper's minutes), the failed attempt is on the row, and the
    second send carries the same delivery id, so the receiver acts once."""
    receiver.answer(200, hold=True)
    message = _webhook(notified_warehouse, "db-dropped")
    assert receiver.held.wait(timeout=30), "the worker never reached the receiver"
    try:
        backends = wait_for(_backends_in_transaction, what="the worker's transaction")
        with connection.cursor() as cursor:
            for pid in backends:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        receiver.release()

    wait_for(lambda: _delivered(message), what="the retried delivery", timeout=40)
    live_worker.idle()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.DELIVERED, 2)
    # The broken-off attempt was recorded before its retry: the error is the database's.
    assert message.last_error.startswith("attempt 1: ")
    assert "connection" in message.last_error.lower()
    delivery_id = str(message.delivery_id)
    assert [(hit.delivery_id, hit.attempt) for hit in receiver.hits] == [(delivery_id, "1"), (delivery_id, "2")]
    assert receiver.processed == {delivery_id: 1}
    assert receiver.duplicates_dropped == {delivery_id: 1}
    assert live_worker.runs.results(DELIVER, message.pk)[-1] == DeliveryOutcome.DELIVERED


KILLED_BEFORE_PUBLISH = """
import os
import signal
import sys

import django

django.setup()
from django.db import transaction

from rma.locations.models import Warehouse
from rma.notifications.outbox import outbox_enqueue
from rma.notifications.destinations import outbox_secret_ref

warehouse = Warehouse.objects.get(pk=int(sys.argv[1]))
with transaction.atomic():
    # Runs first after the commit, before the outbox's publish: the process dies with the row committed.
    transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
    outbox_enqueue(
        channel="webhook",
        topic="return.approved",
        destination=warehouse.notify_webhook_url,
        payload={"event": "return.approved", "rma_number": "killed"},
        dedupe_key="killed-before-publish",
        secret_ref=outbox_secret_ref(warehouse),
    )
"""


def test_a_process_killed_between_commit_and_publish_is_recovered_by_the_sweep_two_minutes_later(
    live_worker, postgres_only, notified_warehouse, receiver
):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "returns_portal.settings.test", "DATABASE_URL": database_url()}
    env.pop("REDIS_URL", None)
    env["CELERY_TASK_ALWAYS_EAGER"] = "false"
    process = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_PUBLISH, str(notified_warehouse.pk)],
        cwd=django_settings.BASE_DIR,
        env=env,
        timeout=120,
        check=False,
    )
    assert process.returncode == -9
    message = OutboxMessage.objects.get(dedupe_key="killed-before-publish")
    # Committed and marked handed over, but nothing ever reached the broker.
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert message.enqueued_at is not None
    live_worker.idle()
    assert receiver.hits == []

    handed_over_at = message.enqueued_at
    assert outbox_messages_sweep(now=handed_over_at + STALE_WINDOW - timedelta(seconds=5)) == 0  # still in flight?
    assert outbox_messages_sweep(now=handed_over_at + STALE_WINDOW + timedelta(seconds=1)) == 1
    wait_for(lambda: _delivered(message), what="the swept delivery")
    live_worker.idle()
    assert receiver.hits_by_delivery_id() == {str(message.delivery_id): 1}


def test_a_task_lost_by_a_redis_restarted_empty_is_recovered_by_the_sweep_two_minutes_later(
    live_worker, notified_warehouse, receiver, spare_redis
):
    """The broker accepted the task, then restarted empty before any worker took it."""
    with live_worker.broker_unreachable(url=spare_redis.url):
        message = _webhook(notified_warehouse, "lost-in-redis")
        assert not broker_breaker.is_open()  # the publish succeeded
    client = spare_redis.client()
    try:
        assert client.llen("notifications") == 1
        spare_redis.restart_empty()
        assert client.llen("notifications") == 0
    finally:
        client.close()
    message.refresh_from_db()
    assert (message.status, message.enqueued_at is not None) == (OutboxStatus.PENDING, True)

    assert outbox_messages_sweep(now=message.enqueued_at + STALE_WINDOW + timedelta(seconds=1)) == 1
    wait_for(lambda: _delivered(message), what="the swept delivery")
    live_worker.idle()
    assert receiver.hits_by_delivery_id() == {str(message.delivery_id): 1}


def test_a_request_with_the_broker_down_tries_it_once_and_leaves_the_rest_to_the_sweeper(
    live_worker, make_return, notified_warehouse, receiver, mailoutbox, hanging_up_broker
):
    """Approving a return publishes a label task and three messages. With Redis down, the first publish makes one
    connection attempt, fails, and opens the breaker; the others are not tried at all. Nothing is lost: the
    sweepers hand everything over once Redis is back. (The time it costs is measured by `make bench`.)"""
    with live_worker.broker_unreachable(url=hanging_up_broker.url):
        return_request = make_return()
        assert return_request.status == "approved"
        assert hanging_up_broker.connections == 1  # no retry loop, no second publish
        assert broker_breaker.is_open()
        messages = list(OutboxMessage.objects.order_by("id"))
        assert len(messages) == 3
        assert {(m.status, m.enqueued_at) for m in messages} == {(OutboxStatus.PENDING, None)}
        assert set(Label.objects.values_list("status", flat=True)) == {LabelStatus.PENDING}
        live_worker.idle()
        assert receiver.hits == []

    # Redis is back: the next sweep (beat, every 30 s) sends the messages.
    assert outbox_messages_sweep(now=timezone.now() + timedelta(seconds=31)) == 3
    wait_for(lambda: all(_delivered(m) for m in messages), what="the three messages")
    live_worker.idle()
    assert receiver.hits_by_delivery_id() == {str(m.delivery_id): 1 for m in messages if m.channel == "webhook"}
    assert len(mailoutbox) == 2
