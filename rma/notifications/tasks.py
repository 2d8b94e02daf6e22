"""Outbox tasks: thin adapters from the broker to rma.notifications.services (ids in, an outcome out).

Both go to the "notifications" queue through task_routes (returns_portal/celery.py). Retries are not Celery
retries: the schedule lives on the outbox row (attempts, next_attempt_at), so it survives the broker losing its
messages; the service hands the next attempt to the broker itself.
"""

from celery import shared_task

from rma.notifications.services import outbox_message_deliver, outbox_messages_sweep


@shared_task(
    name="rma.notifications.deliver",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,  # above the webhook (3 + 10 s) and SMTP (30 s) timeouts
    time_limit=90,
    ignore_result=True,
)
def outbox_deliver_task(message_id: int) -> str:
    """Deliver one outbox message (safe to run any number of times)."""
    return outbox_message_deliver(message_id=message_id)


@shared_task(
    name="rma.notifications.sweep",
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
    ignore_result=True,
)
def outbox_sweep_task() -> int:
    """Beat, every minute: hand over the pending messages the broker never got or lost."""
    return outbox_messages_sweep()
