"""Periodic work of the customer portal: thin adapters from beat to its services."""

from celery import shared_task

from rma.portal.session import staged_photos_purge


@shared_task(
    name="rma.portal.staged_photos_purge", acks_late=True, soft_time_limit=240, time_limit=300, ignore_result=True
)
def staged_photos_purge_task() -> int:
    """Beat, daily: delete photos staged by journeys abandoned more than a day ago (safe to run twice)."""
    return staged_photos_purge()
