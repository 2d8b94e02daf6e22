"""outbox_message_deliver / outbox_message_replay against a real HTTP receiver and a scripted mail server."""

import json
import smtplib
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from rma.core.exceptions import Conflict
from rma.notifications.choices import OutboxStatus
from rma.notifications.destinations import outbox_secret_ref
from rma.notifications.models import OutboxMessage
from rma.notifications.outbox import outbox_enqueue, outbox_message_replay
from rma.notifications.services import (
    DeliveryOutcome,
    outbox_message_attempt_failed,
    outbox_message_deliver,
)
from rma.notifications.signatures import webhook_signature_verify
from rma.notifications.webhooks import webhook_body
from tests.notifications.email_backends import ScriptedEmailBackend
from tests.notifications.fixtures import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db

PAYLOAD = {"event": "return.approved", "rma_number": "R-7KQ2-M9XD", "lines": [{"sku": "SKU-1", "quantity": 1}]}


@pytest.fixture
def webhook(notified_warehouse, receiver):
    def make(*, url: str | None = None, key: str = "test:webhook") -> OutboxMessage:
        if url is not None:  # a warehouse's webhooks go to its URL of the moment
            notified_warehouse.notify_webhook_url = url
            notified_warehouse.save(update_fields=["notify_webhook_url", "updated_at"])
        return outbox_enqueue(
            channel="webhook",
            topic="return.approved",
            destination=url or receiver.url("/hooks/wh-idf"),
            payload=PAYLOAD,
            dedupe_key=key,
            secret_ref=outbox_secret_ref(notified_warehouse),
        )

    return make


@pytest.fixture
def scripted_mail(settings):
    settings.EMAIL_BACKEND = "tests.notifications.email_backends.ScriptedEmailBackend"
    ScriptedEmailBackend.reset()
    return ScriptedEmailBackend


def _make_due(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_2xx_marks_the_message_delivered_with_a_signed_body_and_stable_ids(webhook, receiver):
    message = webhook()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.DELIVERED, 1, "")
    assert message.delivered_at is not None
    [hit] = receiver.hits
    assert hit.signature_valid
    assert hit.path == "/hooks/wh-idf"
    assert hit.delivery_id == str(message.delivery_id)
    assert hit.topic == "return.approved"
    assert hit.payload == {**PAYLOAD, "delivery_id": str(message.delivery_id)}
    assert hit.body == webhook_body(payload=PAYLOAD, delivery_id=str(message.delivery_id))
    assert hit.headers["Content-Type"].startswith("application/json")


def test_every_attempt_carries_the_same_delivery_id_inside_the_signed_body(webhook, receiver):
    """The idempotency key a receiver dedupes on is signed: a captured request replayed under another
    X-RMA-Delivery header still says, in its signed body, which delivery it is."""
    message = webhook()
    receiver.answer(503)
    outbox_message_deliver(message_id=message.pk)
    _make_due(message)
    outbox_message_deliver(message_id=message.pk)
    first, second = receiver.hits
    assert (first.attempt, second.attempt) == ("1", "2")
    for hit in (first, second):
        assert hit.signature_valid
        assert hit.payload["delivery_id"] == hit.delivery_id == str(message.delivery_id)
    forged = str(uuid.uuid4())
    assert not webhook_signature_verify(
        secret=WEBHOOK_SECRET,
        header=second.headers["X-RMA-Signature"],
        body=second.body.replace(str(message.delivery_id).encode(), forged.encode()),
    )


def test_delivering_twice_sends_once(webhook, receiver):
    message = webhook()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.ALREADY_FINISHED
    assert len(receiver.hits) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_a_5xx_is_retried_later_with_backoff(webhook, receiver):
    message = webhook()
    receiver.answer(503)
    before = timezone.now()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.RETRY_SCHEDULED
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error.startswith("attempt 1: HTTP 503 from http://127.0.0.1:")
    assert before + timedelta(seconds=15) <= message.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    assert message.enqueued_at is not None  # handed to the broker with a countdown once this commits
    # A duplicate task that comes before the retry time sends nothing.
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.NOT_DUE
    assert len(receiver.hits) == 1


@pytest.mark.parametrize("status", [408, 429, 500, 502])
def test_timeouts_throttling_and_server_errors_are_retried(webhook, receiver, status):
    message = webhook()
    receiver.answer(status)
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.RETRY_SCHEDULED


def test_retry_after_is_honoured(webhook, receiver):
    message = webhook()
    receiver.answer(429, headers={"Retry-After": "600"})
    outbox_message_deliver(message_id=message.pk)
    message.refresh_from_db()
    wait = (message.next_attempt_at - timezone.now()).total_seconds()
    assert 590 < wait <= 600


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
def test_other_4xx_are_permanent_and_dead_lettered_at_once(webhook, receiver, status):
    message = webhook()
    receiver.answer(status)
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DEAD
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (OutboxStatus.DEAD, 1, None)
    assert f"HTTP {status}" in message.last_error
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.ALREADY_FINISHED
    assert len(receiver.hits) == 1


def test_a_redirect_is_not_followed_and_is_permanent(webhook, receiver):
    message = webhook()
    receiver.answer(302, headers={"Location": "https://elsewhere.example.com/hook"})
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DEAD
    message.refresh_from_db()
    assert "elsewhere.example.com" in message.last_error
    assert len(receiver.hits) == 1


def test_every_retry_carries_the_same_delivery_id(webhook, receiver):
    message = webhook()
    receiver.answer(500, 500)
    for _ in range(3):
        outbox_message_deliver(message_id=message.pk)
        _make_due(message)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.DELIVERED, 3)
    assert [hit.attempt for hit in receiver.hits] == ["1", "2", "3"]
    assert {hit.delivery_id for hit in receiver.hits} == {str(message.delivery_id)}
    assert receiver.processed == {str(message.delivery_id): 1}


def test_dead_after_the_last_attempt_with_the_last_error(webhook, receiver, settings):
    settings.RMA_OUTBOX_MAX_ATTEMPTS = 3
    message = webhook()
    receiver.answer(500, 500, 503)
    outcomes = []
    for _ in range(3):
        _make_due(message)
        outcomes.append(outbox_message_deliver(message_id=message.pk))
    assert outcomes == [DeliveryOutcome.RETRY_SCHEDULED, DeliveryOutcome.RETRY_SCHEDULED, DeliveryOutcome.DEAD]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (OutboxStatus.DEAD, 3, None)
    assert message.last_error.startswith("attempt 3: HTTP 503")
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.ALREADY_FINISHED
    assert len(receiver.hits) == 3


def test_replay_takes_a_dead_message_back_to_delivered(webhook, receiver, django_capture_on_commit_callbacks):
    message = webhook()
    receiver.answer(410)
    outbox_message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.DEAD
    # The receiver is fixed; the support agent replays. After commit the (eager) task delivers it.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox_message_replay(message_id=message.pk)
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.DELIVERED, 1)
    assert message.last_error.startswith("attempt 1: HTTP 410")  # the history of the failure stays visible
    assert [hit.answered for hit in receiver.hits] == [410, 200]
    assert {hit.delivery_id for hit in receiver.hits} == {str(message.delivery_id)}


def test_replay_refuses_a_delivered_message(webhook, receiver):
    message = webhook()
    outbox_message_deliver(message_id=message.pk)
    with pytest.raises(Conflict) as excinfo:
        outbox_message_replay(message_id=message.pk)
    assert excinfo.value.code == "already_delivered"
    assert len(receiver.hits) == 1


def test_replay_of_a_pending_message_resets_its_attempts(webhook, receiver):
    message = webhook()
    receiver.answer(500)
    outbox_message_deliver(message_id=message.pk)
    replayed = outbox_message_replay(message_id=message.pk)
    assert (replayed.status, replayed.attempts, replayed.next_attempt_at) == (OutboxStatus.PENDING, 0, None)
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED


def test_an_unreachable_receiver_is_retried(webhook):
    message = webhook(url="http://127.0.0.1:1/hooks")
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.RETRY_SCHEDULED
    message.refresh_from_db()
    assert "ConnectionError" in message.last_error


def test_a_slow_receiver_times_out_then_drops_the_repeat(webhook, receiver, settings):
    """The receiver processed the first send but answered too late: the retry carries the same delivery id."""
    settings.RMA_WEBHOOK_TIMEOUT_SECONDS = 0.3
    message = webhook()
    receiver.answer(200, delay=1.5)
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.RETRY_SCHEDULED
    message.refresh_from_db()
    assert "Timeout" in message.last_error
    _make_due(message)
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED
    assert receiver.hits_by_delivery_id() == {str(message.delivery_id): 2}
    assert receiver.processed == {str(message.delivery_id): 1}
    assert receiver.duplicates_dropped == {str(message.delivery_id): 1}


def test_no_signing_secret_is_permanent(webhook, notified_warehouse, receiver):
    notified_warehouse.notify_webhook_secret = ""
    notified_warehouse.save(update_fields=["notify_webhook_secret"])
    message = webhook()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DEAD
    message.refresh_from_db()
    assert "No webhook signing secret" in message.last_error
    assert receiver.hits == []


def test_the_secret_is_read_when_sending_not_copied_into_the_row(webhook, notified_warehouse, receiver):
    message = webhook()
    assert notified_warehouse.notify_webhook_secret not in json.dumps(
        list(OutboxMessage.objects.filter(pk=message.pk).values())[0], default=str
    )
    receiver.secret = "whsec_rotated"
    notified_warehouse.notify_webhook_secret = "whsec_rotated"
    notified_warehouse.save(update_fields=["notify_webhook_secret"])
    outbox_message_deliver(message_id=message.pk)
    assert receiver.hits[0].signature_valid


def test_a_destination_that_is_not_a_url_is_permanent(db):
    message = outbox_enqueue(
        channel="webhook", topic="refund.released", destination="warehouse-3", payload={}, dedupe_key="k"
    )
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DEAD
    message.refresh_from_db()
    assert "Not an http(s) URL" in message.last_error


def test_enqueueing_the_same_key_twice_keeps_one_message(db):
    first = outbox_enqueue(
        channel="email", topic="label_ready", destination="a@example.com", payload={}, dedupe_key="k"
    )
    again = outbox_enqueue(channel="email", topic="other", destination="b@example.com", payload={}, dedupe_key="k")
    assert again.pk == first.pk
    assert (again.topic, OutboxMessage.objects.count()) == ("label_ready", 1)


def test_an_unknown_channel_is_refused(db):
    with pytest.raises(ValueError, match="sms"):
        outbox_enqueue(channel="sms", topic="t", destination="+33600000000", payload={}, dedupe_key="k")


def test_a_missing_message_is_reported(db):
    assert outbox_message_deliver(message_id=987654) == DeliveryOutcome.MISSING


# ---- Emails


def _email(**payload) -> OutboxMessage:
    return outbox_enqueue(
        channel="email",
        topic="parcel_received",
        destination="chloe@example.fr",
        payload={"rma_number": "R-7KQ2-M9XD", "lines": [], "tracking_url": "http://x/r/1/", **payload},
        dedupe_key="test:email",
        locale="fr",
    )


def test_an_email_retry_keeps_its_message_id(scripted_mail):
    scripted_mail.reset(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    message = _email()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.RETRY_SCHEDULED
    _make_due(message)
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED
    [sent] = mail.outbox
    expected = f"<{message.delivery_id}@127.0.0.1>"
    assert scripted_mail.attempted_message_ids == [expected, expected]
    assert sent.extra_headers["Message-ID"] == expected
    assert sent.extra_headers["X-RMA-Delivery"] == str(message.delivery_id)


def test_a_temporary_smtp_answer_is_retried(scripted_mail):
    scripted_mail.reset(smtplib.SMTPDataError(451, b"try again later"))
    message = _email()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.RETRY_SCHEDULED
    message.refresh_from_db()
    assert "SMTP 451" in message.last_error


def test_a_refused_recipient_is_permanent(scripted_mail):
    scripted_mail.reset(smtplib.SMTPRecipientsRefused({"chloe@example.fr": (550, b"no such user")}))
    message = _email()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DEAD
    message.refresh_from_db()
    assert "550" in message.last_error
    assert mail.outbox == []


def test_an_email_without_templates_is_dead_lettered_with_the_reason(db):
    message = outbox_enqueue(
        channel="email", topic="no_such_topic", destination="chloe@example.fr", payload={}, dedupe_key="k"
    )
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DEAD
    message.refresh_from_db()
    assert "TemplateDoesNotExist" in message.last_error
    assert mail.outbox == []


def test_a_delivery_the_database_cut_short_is_counted_and_comes_back_at_its_time(webhook, receiver, settings):
    """What the delivery task records before its own retry (tests/workers/test_outbox_recovery.py drops the
    database for real), and when no retry comes (the sweeper's, after the backoff)."""
    settings.RMA_OUTBOX_MAX_ATTEMPTS = 3
    message = webhook()
    error = OperationalError("server closed the connection unexpectedly")
    outbox_message_attempt_failed(message_id=message.pk, error=error, retry_in=8)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error == "attempt 1: OperationalError: server closed the connection unexpectedly"
    assert message.enqueued_at is not None  # the retry is in the broker: the sweeper leaves it alone
    assert 7 < (message.next_attempt_at - timezone.now()).total_seconds() <= 8
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.NOT_DUE
    assert receiver.hits == []

    outbox_message_attempt_failed(message_id=message.pk, error=error, retry_in=None)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.enqueued_at) == (OutboxStatus.PENDING, 2, None)
    assert message.next_attempt_at > timezone.now()
    _make_due(message)
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED
    assert [hit.attempt for hit in receiver.hits] == ["3"]


def test_a_delivery_that_keeps_breaking_off_is_dead_lettered_at_its_last_attempt(webhook, settings):
    settings.RMA_OUTBOX_MAX_ATTEMPTS = 2
    message = webhook()
    for _ in range(2):
        outbox_message_attempt_failed(message_id=message.pk, error="SoftTimeLimitExceeded", retry_in=None)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (
        OutboxStatus.DEAD,
        2,
        "attempt 2: SoftTimeLimitExceeded",
    )
