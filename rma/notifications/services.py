"""Writing to the outbox. Delivery is the workers' job (tasks.py)."""

from typing import Any

from django.db import transaction

from rma.notifications.models import Channel, OutboxMessage


def outbox_enqueue(
    *, channel: str, topic: str, destination: str, payload: dict[str, Any], dedupe_key: str, locale: str = "fr"
) -> OutboxMessage:
    """Record a message to deliver; must run inside the transaction of the change it reports."""
    message, created = OutboxMessage.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "channel": channel,
            "topic": topic,
            "destination": destination,
            "payload": payload,
            "locale": locale,
        },
    )
    if created:
        transaction.on_commit(lambda: _dispatch(message.pk))
    return message


def _dispatch(message_id: int) -> None:
    """Hand the message to the broker after commit; if the broker is down, beat re-queues it later."""
    try:
        from rma.notifications.tasks import outbox_deliver_task
    except ImportError:  # the delivery worker is not installed
        return
    try:
        outbox_deliver_task.delay(message_id)
    except Exception:  # noqa: BLE001 - the outbox row is the source of truth
        return


__all__ = ["Channel", "outbox_enqueue"]
