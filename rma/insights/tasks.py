"""The workers keep the analytics' daily roll-ups up to date (rma.insights.rollups)."""

from celery import shared_task
from django.conf import settings

from rma.insights.refresh import recent_rebuild, rollups_refresh


@shared_task(name="rma.insights.rollups_refresh", acks_late=True, soft_time_limit=90, time_limit=120)
def rollups_refresh_task() -> int:
    """Rebuild the days something happened to since the last run (every minute, from beat)."""
    return rollups_refresh()


@shared_task(name="rma.insights.rollups_rebuild_recent", acks_late=True, soft_time_limit=900, time_limit=960)
def rollups_rebuild_recent_task() -> int:
    """Rebuild the recent weeks whole (nightly), for changes that leave no event."""
    return recent_rebuild(days=settings.RMA_INSIGHTS_REBUILD_DAYS)
