"""The daily refresh of the drop-off point directory: a thin adapter from Beat to rma.shipping.services.points.

Celery finds this module by name (returns_portal/celery.py, ``related_name="point_tasks"``).
"""

from typing import Any

from celery import shared_task
from django.conf import settings

from rma.shipping.services.points import drop_off_points_refresh


@shared_task(
    name="rma.shipping.drop_off_points_refresh",
    queue="default",
    acks_late=True,
    soft_time_limit=3 * 3600,
    time_limit=3 * 3600 + 300,
)
def drop_off_points_refresh_task(**kwargs: Any) -> int:
    """Beat, daily: refresh the directory from each source of RMA_POINT_SOURCES (files and carriers' APIs); a
    source that fails is logged and retried at the next day's run. Returns how many sources were refreshed."""
    outcomes = drop_off_points_refresh(sources=settings.RMA_POINT_SOURCES)
    return sum(1 for _, outcome in outcomes if not isinstance(outcome, str))
