"""Periodic work on returns: thin adapters from beat to rma.returns.services."""

from celery import shared_task

from rma.returns.services import return_requests_expire


@shared_task(name="rma.returns.expire", acks_late=True, soft_time_limit=240, time_limit=300, ignore_result=True)
def return_requests_expire_task() -> int:
    """Beat, hourly: expire approved returns not sent by their deadline (safe to run twice)."""
    return return_requests_expire()
