"""Outbox tasks: thin adapters from the broker to rma.notifications.services (ids in, an outcome out).

Both go to the "notifications" queue through task_routes (returns_portal/celery.py). A failed send is not a
Celery retry: the schedule lives on the outbox row (attempts, next_attempt_at), so it survives the broker losing
its messages; the delivery task hands the next attempt to the broker itself (``outbox_message_hand_over``).
A delivery that the database cut short (connection dropped, before or after the send) cannot write that
schedule: it is a Celery retry with the shared policy of rma.core.retries, recorded on the row first.
"""

import logging
from datetime import datetime
from typing import Any

from celery import shared_task

from rma.core.queue import publish
from rma.core.retries import RecordedRetriesTask, retry_policy
from rma.notifications.services import (
    outbox_message_attempt,
    outbox_message_attempt_failed,
    outbox_message_hand_over_failed,
    outbox_messages_claim_due,
    outbox_messages_release,
)

logger = logging.getLogger(__name__)


class OutboxDeliverTask(RecordedRetriesTask):
    """Count on the row each delivery run the database cut short, with its error and when it comes back."""

    def record_failure(
        self, *, args: tuple, kwargs: dict, error: BaseException, retry_in: float | None, final: bool
    ) -> None:
        message_id = kwargs.get("message_id", args[0] if args else None)
        if message_id is not None:
            outbox_message_attempt_failed(message_id=message_id, error=error, retry_in=retry_in)


@shared_task(
    base=OutboxDeliverTask,
    name="rma.notifications.deliver",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,  # above the webhook (3 + 10 s) and SMTP (30 s) timeouts
    time_limit=90,
    ignore_result=True,
    **retry_policy(),
)
def outbox_deliver_task(message_id: int, **kwargs: Any) -> str:
    """Deliver one outbox message (safe to run any number of times); hand its retry to the broker if due soon."""
    attempt = outbox_message_attempt(message_id=message_id)
    if attempt.hand_over_in is not None:
        outbox_message_hand_over(message_id, attempts=attempt.attempts, countdown=attempt.hand_over_in)
    return attempt.outcome


def outbox_message_hand_over(message_id: int, *, attempts: int, countdown: float | None = None) -> bool:
    """Publish a message marked handed over; False when that failed (then the row waits for the sweeper)."""
    return publish(
        outbox_deliver_task,
        message_id,
        countdown=countdown,
        force=True,
        on_failure=lambda: outbox_message_hand_over_failed(message_id=message_id, attempts=attempts),
    )


def outbox_messages_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Hand the due pending messages to the broker; returns how many went.

    Stops at the first failed publish (the broker is still down): the rest is left for the next sweep.
    """
    due = outbox_messages_claim_due(now=now, limit=limit)
    handed_over = 0
    for index, (message_id, attempts) in enumerate(due):
        if not outbox_message_hand_over(message_id, attempts=attempts):
            outbox_messages_release(message_ids=[pk for pk, _ in due[index + 1 :]])
            break
        handed_over += 1
    if handed_over:
        logger.info("outbox sweep handed %s message(s) to the broker", handed_over)
    return handed_over


@shared_task(
    name="rma.notifications.sweep",
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
    ignore_result=True,
)
def outbox_sweep_task() -> int:
    """Beat, every 30 s: hand over the pending messages the broker never got or lost."""
    return outbox_messages_sweep()
