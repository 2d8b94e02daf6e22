"""Two workers on one message at the same moment: one sends, the other skips (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from rma.notifications.choices import OutboxStatus
from rma.notifications.destinations import outbox_secret_ref
from rma.notifications.outbox import outbox_enqueue
from rma.notifications.services import DeliveryOutcome, outbox_message_deliver


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_skips_a_message_being_sent(postgres_only, notified_warehouse, receiver):
    message = outbox_enqueue(
        channel="webhook",
        topic="return.approved",
        destination=receiver.url("/hooks/wh-idf"),
        payload={"event": "return.approved"},
        dedupe_key="concurrent",
        secret_ref=outbox_secret_ref(notified_warehouse),
    )
    # transaction=True: outbox_enqueue's after-commit dispatch ran eagerly and delivered it; start over.
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    type(message).objects.filter(pk=message.pk).update(status=OutboxStatus.PENDING, delivered_at=None, attempts=0)
    receiver.hits.clear()
    receiver.processed.clear()

    receiver.answer(200, hold=True)
    outcomes = {}

    def first_worker():
        try:
            outcomes["first"] = outbox_message_deliver(message_id=message.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=first_worker)
    worker.start()
    try:
        assert receiver.held.wait(timeout=10), "the first worker never reached the receiver"
        # The first worker holds the row lock while it waits for the receiver's answer.
        outcomes["second"] = outbox_message_deliver(message_id=message.pk)
    finally:
        receiver.release()
        worker.join(timeout=10)
    assert not worker.is_alive()
    assert outcomes == {"first": DeliveryOutcome.DELIVERED, "second": DeliveryOutcome.BUSY}
    assert len(receiver.hits) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.DELIVERED, 1)
