"""The sweeper: which pending messages are handed to the broker again, and that it delivers them."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from itertools import count

import pytest
from django.conf import settings as django_settings
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
    handed_over = _message(enqueued_at=NOW - timedelta(seconds=30))
    assert _due(NOW) == []
    assert _due(NOW + timedelta(seconds=85)) == []
    assert _due(NOW + timedelta(seconds=90)) == [handed_over.pk]  # 2 min after handover: presumed lost


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
    settings.RMA_OUTBOX_STALE_SECONDS = 60
    fresh = _message()
    handed_over = _message(enqueued_at=NOW - timedelta(seconds=61))
    assert _due(NOW + timedelta(seconds=6)) == [fresh.pk, handed_over.pk]


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, {"stale": 120, "grace": 30}),
        ({"RMA_OUTBOX_STALE_SECONDS": "45", "RMA_OUTBOX_SWEEP_GRACE_SECONDS": "10"}, {"stale": 45, "grace": 10}),
    ],
)
def test_the_stale_window_and_the_grace_come_from_the_environment(environment, expected):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RMA_OUTBOX_")}
    env.update(environment, DJANGO_SETTINGS_MODULE="returns_portal.settings.production", DJANGO_SECRET_KEY="x" * 50)
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'stale': s.RMA_OUTBOX_STALE_SECONDS, 'grace': s.RMA_OUTBOX_SWEEP_GRACE_SECONDS}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(output.strip().splitlines()[-1]) == expected


def test_the_sweep_delivers_what_is_due_once(mailoutbox):
    message = _message(created_at=timezone.now() - timedelta(minutes=1))
    _message(created_at=timezone.now())  # too recent: left for the dispatch after its commit
    assert outbox_messages_sweep() == 1  # eager in tests: the task runs at once
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert len(mailoutbox) == 1
    assert outbox_messages_sweep() == 0
    assert len(mailoutbox) == 1
