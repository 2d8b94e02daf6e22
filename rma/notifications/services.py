"""The outbox: a message is written with the change that causes it, then a worker delivers it.

Modules: ``outbox`` is the door for the rest of the product (write a message, replay one: they publish after
commit); ``services`` (here) writes and delivers rows and never publishes; ``tasks`` delivers and sweeps, and
publishes the retries. Imports go one way: outbox -> tasks -> services.

Guarantees
----------
1. Nothing is lost. The row commits (or rolls back) with the change it reports. It is handed to the broker
   after the commit; when that fails (Redis down) the row stays pending with ``enqueued_at`` empty, and the
   beat sweeper (``tasks.outbox_messages_sweep``, every 30 s) hands it over once the broker is back. A task lost
   inside the broker (Redis restarted empty) or held by a dead worker is handed over again after
   ``RMA_OUTBOX_STALE_SECONDS`` (2 minutes by default); tasks are also ``acks_late`` +
   ``reject_on_worker_lost``, so the task of a killed worker comes back by itself.
2. Never two sends at once. Delivery locks the row (``SELECT … FOR UPDATE SKIP LOCKED``: another worker
   skips it rather than wait), keeps the lock while it sends, and marks the row delivered in that same
   transaction.
3. A row marked delivered (or dead) is never sent again, whichever task, sweep or duplicate comes later.
4. The one window left is between "sent" and the commit of "delivered": if the worker is killed, or the
   database or network drops there, the row is still pending and is sent again (a database drop: by the task's
   own retry within seconds, recorded on the row by ``outbox_message_attempt_failed``; a killed worker: by the
   sweeper after the stale window). Every send of a message
   carries the same idempotency key: ``X-RMA-Delivery: <delivery_id>`` on webhooks, ``Message-ID:
   <delivery_id@host>`` on emails. Receivers that drop a delivery id they have already processed act on each
   message exactly once: at-least-once transport + idempotency key = effectively once per destination.
   A receiver that does not dedupe sees at worst one repeat per crash in that window, never two at once.
5. Failures are recorded on the row (attempts, last_error, next_attempt_at) and retried with exponential
   backoff and jitter (``retries.backoff_delay``), up to ``RMA_OUTBOX_MAX_ATTEMPTS``; then the row is dead.
   Answers that retrying cannot fix (4xx other than 408/425/429, a bad address, a missing signing secret, a
   template error) dead-letter at once. ``outbox.outbox_message_replay`` (admin action) puts a dead or pending
   message back to pending with its attempts reset; it keeps its delivery id, so a receiver that already
   processed it still drops it.
6. A pending message that a later change made stale before it went out (a customer's "on its way" email when
   the parcel is received in the same breath) may be withdrawn (``outbox_messages_withdraw``) in that change's
   transaction; never one that was delivered or that a worker is sending.

Limits: a send cut short by a crash does not count as an attempt (its transaction rolled back). On SQLite
(the no-server setup) the row lock is the database's write lock, so a slow webhook holds other writers back
for up to its timeout; production runs PostgreSQL, where only the row is locked.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict
from rma.core.queue import broker_breaker
from rma.core.services import row_insert_or_get, rows_insert_or_get
from rma.notifications.choices import Channel, OutboxStatus
from rma.notifications.destinations import channel_sender, webhook_target
from rma.notifications.emails import email_send
from rma.notifications.exceptions import DeliveryFailed
from rma.notifications.models import OutboxMessage
from rma.notifications.retries import backoff_delay, max_attempts
from rma.notifications.selectors import outbox_messages_due
from rma.notifications.webhooks import webhook_send

logger = logging.getLogger(__name__)

# A retry further off than this is left to the sweeper rather than parked in the broker: Redis hands an
# unacknowledged message to another worker after its visibility timeout (1 h), so long countdowns duplicate.
ETA_MAX_SECONDS = 15 * 60
# A task that arrives this early for its next_attempt_at (clock skew between machines) still runs.
EARLY_TOLERANCE_SECONDS = 5
ERROR_MAX_CHARS = 4000


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    RETRY_SCHEDULED = "retry_scheduled"
    DEAD = "dead"
    ALREADY_FINISHED = "already_finished"  # delivered or dead before this run
    BUSY = "busy"  # another worker holds the row right now
    NOT_DUE = "not_due"  # a duplicate task came before the retry time
    MISSING = "missing"


def _send(message: OutboxMessage, *, attempt: int) -> None:
    """Send the message once; a webhook whose URL comes from its owner has the row's destination brought up to
    date (saved with the outcome), so that the admin shows where it really went."""
    delivery_id = str(message.delivery_id)
    if message.channel == Channel.WEBHOOK:
        target = webhook_target(message)
        if target.from_owner:
            message.destination = target.url[: OutboxMessage._meta.get_field("destination").max_length]
        webhook_send(
            url=target.url,
            secret=target.secret,
            topic=message.topic,
            delivery_id=delivery_id,
            payload=message.payload,
            attempt=attempt,
        )
    elif message.channel == Channel.EMAIL:
        email_send(
            topic=message.topic,
            locale=message.locale,
            destination=message.destination,
            payload=message.payload,
            delivery_id=delivery_id,
        )
    else:
        channel_sender(message.channel)(message, attempt)


@dataclass(frozen=True)
class DeliveryAttempt:
    """What one delivery run did, and the retry it scheduled for the broker (None: the sweeper's, or no retry)."""

    outcome: DeliveryOutcome
    message_id: int
    attempts: int = 0
    hand_over_in: float | None = None


def outbox_message_deliver(*, message_id: int) -> DeliveryOutcome:
    """Send one message if it is pending and due, under its row lock; record the outcome (see module doc).

    A retry is scheduled on the row only: the task (rma.notifications.tasks) hands it to the broker.
    """
    return outbox_message_attempt(message_id=message_id).outcome


def outbox_message_attempt(*, message_id: int) -> DeliveryAttempt:
    """`outbox_message_deliver`, telling also when to hand the scheduled retry to the broker."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:
            exists = OutboxMessage.objects.filter(pk=message_id).exists()
            return DeliveryAttempt(DeliveryOutcome.BUSY if exists else DeliveryOutcome.MISSING, message_id)
        if message.status != OutboxStatus.PENDING:
            return DeliveryAttempt(DeliveryOutcome.ALREADY_FINISHED, message_id)
        now = timezone.now()
        if message.next_attempt_at is not None and (message.next_attempt_at - now).total_seconds() > (
            EARLY_TOLERANCE_SECONDS
        ):
            return DeliveryAttempt(DeliveryOutcome.NOT_DUE, message_id)

        attempt = message.attempts + 1
        failure: DeliveryFailed | None = None
        try:
            _send(message, attempt=attempt)
        except DeliveryFailed as exc:
            failure = exc
        except Exception as exc:  # noqa: BLE001 - unknown trouble (time limit, library bug): retry, and keep why
            failure = DeliveryFailed(f"{type(exc).__name__}: {exc}")

        now = timezone.now()
        message.attempts = min(attempt, 32767)
        fields = ["attempts", "status", "next_attempt_at", "enqueued_at", "destination", "updated_at"]
        if failure is None:
            message.status = OutboxStatus.DELIVERED
            message.delivered_at = now
            message.next_attempt_at = None
            message.save(update_fields=[*fields, "delivered_at"])
            logger.info("outbox message %s (%s) delivered, attempt %s", message.pk, message.topic, attempt)
            return DeliveryAttempt(DeliveryOutcome.DELIVERED, message_id)

        message.last_error = f"attempt {attempt}: {failure.message}"[:ERROR_MAX_CHARS]
        fields.append("last_error")
        if failure.permanent or attempt >= max_attempts():
            message.status = OutboxStatus.DEAD
            message.next_attempt_at = None
            message.save(update_fields=fields)
            logger.error("outbox message %s (%s) dead-lettered: %s", message.pk, message.topic, message.last_error)
            return DeliveryAttempt(DeliveryOutcome.DEAD, message_id)

        delay = backoff_delay(attempt)
        if failure.retry_after is not None:
            delay = max(delay, failure.retry_after)
        message.next_attempt_at = now + timedelta(seconds=delay)
        # A far-off retry, or one while the broker is known to be down, is left to the sweeper.
        hand_over = delay <= ETA_MAX_SECONDS and not broker_breaker.is_open()
        message.enqueued_at = now if hand_over else None
        message.save(update_fields=fields)
        logger.warning(
            "outbox message %s (%s) failed attempt %s, next in %.0f s: %s",
            message.pk,
            message.topic,
            attempt,
            delay,
            failure.message,
        )
        return DeliveryAttempt(
            DeliveryOutcome.RETRY_SCHEDULED,
            message_id,
            attempts=message.attempts,
            hand_over_in=delay if hand_over else None,
        )


def outbox_message_attempt_failed(
    *, message_id: int, error: BaseException | str, retry_in: float | None
) -> OutboxMessage | None:
    """Record a delivery run that broke off before it could record its outcome (the database dropped mid-way:
    its transaction rolled back, although the receiver may have got the message).

    The attempt is counted and its error kept. `retry_in`: seconds until the task's own retry, already on its way
    to the broker (the row says so: handed over); None when no retry is coming: the sweeper sends it after the
    usual backoff. The fault was ours, not the destination's: only a message that keeps failing so until its last
    allowed attempt (RMA_OUTBOX_MAX_ATTEMPTS) is dead-lettered. A message delivered meanwhile, or held by a worker
    right now, is left alone.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return None
        now = timezone.now()
        attempt = message.attempts + 1
        message.attempts = min(attempt, 32767)
        text = error if isinstance(error, str) else f"{type(error).__name__}: {error}".strip()
        message.last_error = f"attempt {attempt}: {text}"[:ERROR_MAX_CHARS]
        fields = ["attempts", "last_error", "next_attempt_at", "enqueued_at", "updated_at"]
        if retry_in is None and attempt >= max_attempts():
            message.status = OutboxStatus.DEAD
            message.next_attempt_at = None
            fields.append("status")
        elif retry_in is None:
            message.next_attempt_at = now + timedelta(seconds=backoff_delay(attempt))
            message.enqueued_at = None
        else:
            message.next_attempt_at = now + timedelta(seconds=max(0.0, retry_in))
            message.enqueued_at = now
        message.save(update_fields=fields)
    logger.warning(
        "outbox message %s: attempt %s broke off (%s), next at %s",
        message_id,
        attempt,
        message.last_error,
        message.next_attempt_at,
    )
    return message


def outbox_messages_withdraw(*, dedupe_keys: list[str]) -> int:
    """Delete the pending messages with these dedupe keys, inside the caller's transaction; returns how many.

    For a message that a later change has made stale before it went out. A message delivered, dead, or held by
    a worker right now (row locked: it is being sent) is left alone. A task already in the broker for a
    withdrawn message finds nothing and does nothing.
    """
    if not dedupe_keys:
        return 0
    # A transaction for the row locks when the caller has none; inside the caller's, no savepoint (nothing here
    # is recovered from).
    with transaction.atomic(savepoint=False):
        pks = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(dedupe_key__in=dedupe_keys, status=OutboxStatus.PENDING)
            .values_list("pk", flat=True)
        )
        if not pks:
            return 0
        deleted, _by_model = OutboxMessage.objects.filter(pk__in=pks).delete()
    return deleted


def outbox_message_hand_over_failed(*, message_id: int, attempts: int) -> None:
    """The broker refused a message marked handed over: clear ``enqueued_at`` for the sweeper to see.

    The happy path writes nothing: a write there could wait behind the row lock of a worker already sending it.
    """
    OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING, attempts=attempts).update(
        enqueued_at=None
    )


def outbox_messages_claim_due(*, now: datetime | None = None, limit: int = 500) -> list[tuple[int, int]]:
    """Mark the due pending messages handed over, for the sweeper to publish: (id, attempts) of each.

    Rows a worker holds right now are skipped.
    """
    with transaction.atomic():
        due = list(
            outbox_messages_due(now=now).select_for_update(skip_locked=True).values_list("pk", "attempts")[:limit]
        )
        OutboxMessage.objects.filter(pk__in=[pk for pk, _ in due]).update(enqueued_at=timezone.now())
    return due


def outbox_messages_release(*, message_ids: list[int]) -> None:
    """Give back to the next sweep the claimed messages that could not be handed over (the broker is down)."""
    OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.PENDING).update(enqueued_at=None)


def outbox_message_reset(*, message_id: int) -> OutboxMessage:
    """Put a dead (or stuck pending) message back to pending, attempts reset, marked handed over (see replay)."""
    with transaction.atomic():
        # Waits for a delivery in progress on this row, then sees its outcome.
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.status == OutboxStatus.DELIVERED:
            raise Conflict(
                _("Message %(id)s was already delivered; it is not sent twice.") % {"id": message.pk},
                code="already_delivered",
            )
        message.status = OutboxStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = None
        message.enqueued_at = timezone.now()
        message.save(update_fields=["status", "attempts", "next_attempt_at", "enqueued_at", "updated_at"])
    return message


def outbox_message_write(
    *,
    channel: str,
    topic: str,
    destination: str,
    payload: dict[str, Any],
    dedupe_key: str,
    locale: str = "fr",
    secret_ref: str = "",
    hand_over: bool = True,
) -> tuple[OutboxMessage, bool]:
    """Write a message row (the same `dedupe_key` gives back the existing one, unchanged); True if created.

    `hand_over` marks it handed to the broker (``enqueued_at``); the caller publishes it after the commit.
    """
    if channel not in Channel.values:
        raise ValueError(f"Unknown outbox channel {channel!r}.")
    message = OutboxMessage(
        dedupe_key=dedupe_key,
        channel=channel,
        topic=topic,
        destination=destination,
        payload=payload,
        locale=locale,
        secret_ref=secret_ref,
        enqueued_at=timezone.now() if hand_over else None,
    )
    # Inserted unless the key exists (a concurrent writer of the same key is waited for): one statement for a new
    # message, a second to read an existing one; no savepoint.
    return row_insert_or_get(instance=message, dedupe_key=dedupe_key)


def outbox_messages_write(
    *, messages: Sequence[OutboxMessage], hand_over: bool = True
) -> list[tuple[OutboxMessage, bool]]:
    """`outbox_message_write` for several messages (unsaved rows), in one statement when all are new; in their
    order, each with True if created."""
    now = timezone.now()
    for message in messages:
        if message.channel not in Channel.values:
            raise ValueError(f"Unknown outbox channel {message.channel!r}.")
        message.enqueued_at = now if hand_over else None
    return rows_insert_or_get(instances=messages, unique="dedupe_key")


__all__ = [
    "Channel",
    "DeliveryAttempt",
    "DeliveryOutcome",
    "outbox_message_attempt",
    "outbox_message_attempt_failed",
    "outbox_message_deliver",
    "outbox_messages_withdraw",
]
