"""Reads of carrier tracking: a return's carrier steps (customer's and agents' pages) and the parcels flagged for
customer service."""

from django.db.models import QuerySet

from rma.returns.models import ReturnRequest
from rma.shipping.models import Label, TrackingEvent


def tracking_events_for_return(*, return_request: ReturnRequest) -> QuerySet[TrackingEvent]:
    """The carrier's events for the return's label, newest first (none before a label is made)."""
    return TrackingEvent.objects.filter(label__return_request=return_request).order_by("-at", "-id")


def labels_flagged() -> QuerySet[Label]:
    """Labels the carrier's events (or their silence) flagged for an agent, the longest flagged first."""
    return (
        Label.objects.exclude(tracking_alert="")
        .filter(return_request__isnull=False)
        .select_related("return_request", "return_request__order")
        .order_by("tracking_alert_at", "pk")
    )
