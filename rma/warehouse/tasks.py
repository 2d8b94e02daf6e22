"""Thin Celery adapters over the warehouse services."""

from celery import shared_task
from django.contrib.auth import get_user_model

from rma.core.exceptions import Conflict, DomainError
from rma.returns.models import ReturnRequest
from rma.warehouse.services import refund_release


@shared_task(name="rma.warehouse.refund_release", acks_late=True, soft_time_limit=60, time_limit=90)
def refund_release_task(return_request_id: int, actor_id: int | None = None, **kwargs: object) -> str:
    """Release a refund in the background; a retry after success finds it released and does nothing."""
    return_request = ReturnRequest.objects.filter(pk=return_request_id).first()
    if return_request is None:
        return "missing"
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        return refund_release(return_request=return_request, actor=actor).outcome
    except Conflict as exc:
        if exc.code in ("refund_already_released", "exchange_already_requested"):
            return "already_released"
        raise
    except DomainError as exc:
        return exc.code
