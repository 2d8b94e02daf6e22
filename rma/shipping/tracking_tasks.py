"""Tracking tasks: the beat's poll hands each due label to its own retried task; the beat flags late parcels.

Thin adapters from the broker to rma.shipping.services.tracking (ids in). A carrier outage (CarrierUnavailable, no
answer, 5xx, 429) is retried with the shared backoff and, past it, waits for the next poll; a carrier's permanent
refusal is logged by the service and the label goes to the back of the queue.
"""

from datetime import timedelta
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from rma.core.queue import publish
from rma.core.retries import retry_policy
from rma.shipping.carriers import CarrierUnavailable
from rma.shipping.services.tracking import label_track, labels_due_for_tracking, labels_flag_late

# The beat polls every 30 minutes; a label asked less than this ago (by the previous poll, or still retrying) waits.
POLL_EVERY_SECONDS = 1800.0
ASKED_RECENTLY = timedelta(minutes=25)


@shared_task(
    name="rma.shipping.label_track",
    queue="labels",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    **retry_policy(CarrierUnavailable, OSError, SoftTimeLimitExceeded),
)
def label_track_task(label_id: int, **kwargs: Any) -> dict[str, Any] | None:
    """Ask the carrier for one label's events and apply them (idempotent: a second run stores nothing new)."""
    applied = label_track(label_id=label_id)
    if applied is None:
        return None
    return {"stored": applied.stored, "moved_to": applied.moved_to, "alert": applied.alert}


@shared_task(name="rma.shipping.tracking_poll", queue="labels", acks_late=True, soft_time_limit=120, time_limit=150)
def tracking_poll_task(**kwargs: Any) -> int:
    """Beat, every 30 minutes: one label_track_task per ready label whose parcel should be moving; how many sent."""
    sent = 0
    for label_id in labels_due_for_tracking(batch=settings.RMA_TRACKING_POLL_BATCH, every=ASKED_RECENTLY):
        if not publish(label_track_task, label_id, force=True):
            break  # the broker is down: the next poll asks again
        sent += 1
    return sent


@shared_task(
    name="rma.shipping.tracking_flag_late", queue="labels", acks_late=True, soft_time_limit=300, time_limit=360
)
def tracking_flag_late_task(**kwargs: Any) -> int:
    """Beat, hourly: flag the parcels with no carrier news for the policy's days; how many were flagged."""
    return labels_flag_late()
