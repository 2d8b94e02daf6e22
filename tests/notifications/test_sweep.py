"""The sweeper: which pending messages are handed to the broker again, and that it delivers them."""

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from rma.notifications.choices import OutboxStatus
from rma.notifications.models import OutboxMessage
from rma.notifications.outbox import outbox_enqueue
from rma.notifications.selectors import outbox_messages_due
from rma.notifications.tasks import outbox_messages_sweep

pytestmark = pytest.mark.django_db

NOW = timezone.now()
_keys = count()


def _message(**fields) -> OutboxMessage:
    message = outbox_enqueue(
        channel="email",
        topic="parcel_received",
        destination="chloe@example.fr",
        payload={"rma_number": "R-1", "lines": [], "tracking_url": "http://x/r/1/"},
        dedupe_key=f"sweep:{next(_keys)}",
    )
    OutboxMessage.objects.filter(pk=message.pk).update(**{"created_at": NOW, "enqueued_at": None, **fields})
    message.refresh_from_db()
    return message


def _due(now=NOW) -> list[int]:
    return list(outbox_messages_due(now=now).values_list("pk", flat=True))


def test_a_message_never_handed_over_is_due_after_a_grace_period():
    message = _message()
    assert _due(NOW) == []  # a publish may be failing right now: it clears enqueued_at itself
    assert _due(NOW + timedelta(seconds=31)) == [message.pk]


def test_a_retry_the_broker_never_got_is_due_at_its_time():
    message = _message(attempts=2, next_attempt_at=NOW + timedelta(minutes=5), enqueued_at=None)
    assert _due(NOW) == []
    assert _due(NOW + timedelta(minutes=5)) == [message.pk]


def test_a_message_in_the_broker_is_left_alone_until_it_looks_lost():
    handed_over = _message(enqueued_at=NOW - timedelta(minutes=1))
    assert _due(NOW) == []
    assert _due(NOW + timedelta(minutes=13)) == []
    assert _due(NOW + timedelta(minutes=14)) == [handed_over.pk]  # 15 min after handover: presumed lost


def test_a_retry_waiting_in_the_broker_is_not_sent_twice():
    message = _message(attempts=1, enqueued_at=NOW - timedelta(seconds=20), next_attempt_at=NOW + timedelta(seconds=5))
    assert _due(NOW + timedelta(minutes=1)) == []
    assert _due(NOW + timedelta(minutes=16)) == [message.pk]


@pytest.mark.parametrize("status", [OutboxStatus.DELIVERED, OutboxStatus.DEAD])
def test_finished_messages_are_never_swept(status):
    _message(status=status, delivered_at=NOW if status == OutboxStatus.DELIVERED else None)
    assert _due(NOW + timedelta(days=1)) == []


def test_oldest_first():
    old = _message(created_at=NOW - timedelta(hours=2))
    new = _message(created_at=NOW - timedelta(hours=1))
    assert _due(NOW) == [old.pk, new.pk]
    assert list(outbox_messages_due(now=NOW).values_list("pk", flat=True)[:1]) == [old.pk]


def test_settings_tune_the_grace_and_staleness(settings):
    settings.RMA_OUTBOX_SWEEP_GRACE_SECONDS = 5
    settings.RMA_OUTBOX_SWEEP_STALE_SECONDS = 60
    fresh = _message()
    handed_over = _message(enqueued_at=NOW - timedelta(seconds=61))
    assert _due(NOW + timedelta(seconds=6)) == [fresh.pk, handed_over.pk]


def test_the_sweep_delivers_what_is_due_once(mailoutbox):
    message = _message(created_at=timezone.now() - timedelta(minutes=1))
    _message(created_at=timezone.now())  # too recent: left for the dispatch after its commit
    assert outbox_messages_sweep() == 1  # eager in tests: the task runs at once
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert len(mailoutbox) == 1
    assert outbox_messages_sweep() == 0
    assert len(mailoutbox) == 1
