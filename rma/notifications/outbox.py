"""The outbox's door for the rest of the product: write a message with the change it reports, hand it to the
broker after the commit (see rma.notifications.services for the guarantees)."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from rma.core.queue import broker_breaker, enqueue_on_commit
from rma.notifications.models import OutboxMessage
from rma.notifications.services import (
    outbox_message_hand_over_failed,
    outbox_message_reset,
    outbox_message_write,
    outbox_messages_write,
)
from rma.notifications.tasks import outbox_deliver_task


def outbox_enqueue(
    *,
    channel: str,
    topic: str,
    destination: str,
    payload: dict[str, Any],
    dedupe_key: str,
    locale: str = "fr",
    secret_ref: str = "",
) -> OutboxMessage:
    """Record a message to deliver; must run inside the transaction of the change it reports.

    The same `dedupe_key` gives back the existing message, unchanged. The message is handed to the broker
    after the commit; if that fails (or the broker is known to be down) the sweeper hands it over later.
    """
    hand_over = not broker_breaker.is_open()
    message, created = outbox_message_write(
        channel=channel,
        topic=topic,
        destination=destination,
        payload=payload,
        dedupe_key=dedupe_key,
        locale=locale,
        secret_ref=secret_ref,
        hand_over=hand_over,
    )
    if created and hand_over:
        _hand_over_on_commit(message.pk)
    return message


def outbox_enqueue_many(*, messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
    """`outbox_enqueue` for several messages (unsaved rows) in one statement; the stored rows, in their order."""
    hand_over = not broker_breaker.is_open()
    written = outbox_messages_write(messages=messages, hand_over=hand_over)
    for message, created in written:
        if created and hand_over:
            _hand_over_on_commit(message.pk)
    return [message for message, _created in written]


def outbox_message_replay(*, message_id: int) -> OutboxMessage:
    """Send a dead (or stuck pending) message again from scratch: pending, attempts reset, handed to the broker.

    The delivery id does not change, so a receiver that already processed the message drops the repeat.
    """
    with transaction.atomic():
        message = outbox_message_reset(message_id=message_id)
        _hand_over_on_commit(message.pk)
    return message


def _hand_over_on_commit(message_id: int) -> None:
    """Publish a fresh (attempts 0) message after the commit that marked it handed over.

    Not forced: when an earlier publish of the same request found the broker down (the breaker opened), this one
    is not tried at all; the row is given back to the sweeper, and the request does not wait for Redis again.
    """
    enqueue_on_commit(
        outbox_deliver_task,
        message_id,
        on_failure=lambda: outbox_message_hand_over_failed(message_id=message_id, attempts=0),
    )
