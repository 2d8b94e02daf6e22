"""Reads of the outbox: which messages the sweeper must hand to the broker again."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from rma.notifications.choices import OutboxStatus
from rma.notifications.models import OutboxMessage


def outbox_messages_due(*, now: datetime | None = None) -> QuerySet[OutboxMessage]:
    """Pending messages that no broker message is known to be carrying, oldest first.

    ``enqueued_at`` is set in the transaction that writes (or retries, or replays) a message, just before the
    task is published after the commit, and cleared again if that publish fails.

    - never handed to the broker for their current attempt (``enqueued_at`` empty: the broker was down when
      they were written or when their retry was scheduled, or the retry was too far off to sit in the
      broker): due once ``next_attempt_at`` has come, or ``RMA_OUTBOX_SWEEP_GRACE_SECONDS`` after creation
      for a first attempt (the grace covers a publish that is failing right now);
    - handed over long ago and still pending (``RMA_OUTBOX_STALE_SECONDS``): the broker lost the task
      (Redis restarted empty), a worker died holding it, or the process died between commit and publish.
      Sending again is safe: deliveries are idempotent.
    """
    now = now or timezone.now()
    grace = timedelta(seconds=settings.RMA_OUTBOX_SWEEP_GRACE_SECONDS)
    stale = timedelta(seconds=settings.RMA_OUTBOX_STALE_SECONDS)
    never_handed_over = Q(enqueued_at__isnull=True) & (
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=now - grace)
    )
    lost = Q(enqueued_at__lte=now - stale) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now - stale))
    return (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .filter(never_handed_over | lost)
        .order_by("created_at", "id")
    )
