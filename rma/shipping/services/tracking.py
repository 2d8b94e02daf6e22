"""Tracking drives the return: store the carrier's events once, and move the return on what they mean.

Events come from two doors, the beat's poll (`label_track`, one label at a time in a retried task) and the carriers'
webhooks (rma.shipping.webhooks); both end in `label_tracking_apply`, which is idempotent: an event already stored
(same label, carrier code and time) changes nothing, so a repeated poll or a webhook delivered twice moves nothing
and sends no second email.

What an event means for the return:
- handed over, in transit, out for delivery or delivered (and "waiting at a point" when the customer drops the
  parcel at a point) while the return waits for its parcel (approved, label_ready): the return is in_transit, through
  the one door of its lifecycle, which writes the customer's "parcel_in_transit" email (rma.returns.messages);
- delivered: the warehouse board shows the return at the dock (rma.warehouse.selectors.boards reads the label's
  latest status); the warehouse's scan still receives it;
- exception, returned to sender: the label is flagged for customer service, with the carrier's words, and an
  internal note is written on the return (the agents' queue lists flagged parcels);
- no carrier event for the policy's `tracking_late_after_days` while the return is label_ready or in_transit: the beat
  job `labels_flag_late` flags it late.
A later "delivered" clears a problem or late flag (the parcel made it); any later event clears a late flag.
A returned-to-sender flag stays until an agent marks it handled.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.exceptions import DomainError
from rma.locations.choices import DropOffMethod
from rma.returns.choices import ReturnStatus
from rma.returns.lock_objects import return_request_qs_select_for_update
from rma.returns.models import ReturnRequest
from rma.returns.notes import return_note_add
from rma.returns.policy import policy_get_default
from rma.returns.services import Actor, return_request_transition
from rma.shipping.accounts import CarrierAccount
from rma.shipping.carriers import (
    DEFAULT_CARRIER,
    Carrier,
    CarrierError,
    CarrierUnavailable,
    TrackingEvent,
    TrackingStatus,
    get_carrier,
)
from rma.shipping.choices import LabelStatus, TrackingAlert, TrackingSource
from rma.shipping.lock_objects import label_qs_select_for_update
from rma.shipping.models import Label
from rma.shipping.models import TrackingEvent as StoredEvent
from rma.shipping.services.accounts import account_carrier, label_carrier

logger = logging.getLogger(__name__)

# ---- Which adapters read a carrier's webhook (a label's own: rma.shipping.services.accounts.label_carrier)


def webhook_carriers(*, code: str) -> list[Carrier]:
    """The adapters that may read a webhook delivery for carrier `code`, each checking the signature its way: one
    per enabled account of the carrier, by priority (each with its own secret); a carrier with no account gets an
    adapter without settings, which accepts no signature. CarrierError for an unknown code."""
    accounts = CarrierAccount.objects.filter(enabled=True, carrier=code).order_by("priority", "pk")
    return [account_carrier(account=account) for account in accounts] or [get_carrier(code)]


# ---- Applying events

# Statuses that say the parcel left the customer.
MOVING_STATUSES = frozenset(
    {
        TrackingStatus.HANDED_OVER,
        TrackingStatus.IN_TRANSIT,
        TrackingStatus.OUT_FOR_DELIVERY,
        TrackingStatus.DELIVERED,
    }
)
# Returns still waiting for the customer to send the parcel.
AWAITING_PARCEL_STATUSES = frozenset({ReturnStatus.APPROVED, ReturnStatus.LABEL_READY})
# Returns whose parcel the carrier should be reporting on (polled; checked for lateness).
TRACKED_RETURN_STATUSES = (ReturnStatus.LABEL_READY, ReturnStatus.IN_TRANSIT)
# Point drop-offs: "waiting at a point" means the customer left it there.
POINT_METHODS = frozenset({DropOffMethod.RELAY_POINT, DropOffMethod.LOCKER, DropOffMethod.POST_OFFICE})
ALERT_STATUSES: dict[str, str] = {
    TrackingStatus.EXCEPTION: TrackingAlert.EXCEPTION,
    TrackingStatus.RETURNED_TO_SENDER: TrackingAlert.RETURNED_TO_SENDER,
}
# Which flag wins when several apply (a parcel sent back is worse than a problem, a problem worse than silence).
ALERT_RANK: dict[str, int] = {
    "": 0,
    TrackingAlert.LATE: 1,
    TrackingAlert.EXCEPTION: 2,
    TrackingAlert.RETURNED_TO_SENDER: 3,
}

_FIELD_LIMITS = {"code": 64, "description": 500, "location": 200}


@dataclass(frozen=True)
class TrackingApplied:
    """What applying a batch of events did."""

    label: Label
    stored: int  # events not seen before
    moved_to: str = ""  # the return's new status, if the events moved it
    alert: str = ""  # the label's flag after the events


def _aware(value: datetime) -> datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def _clean(events: Iterable[TrackingEvent]) -> list[TrackingEvent]:
    """The events as we store them: aware times, known statuses, fields cut to size, each (code, time) once."""
    seen: dict[tuple[str, datetime], TrackingEvent] = {}
    for event in events:
        status = event.status if event.status in TrackingStatus.values else TrackingStatus.OTHER
        code = (event.code or status)[: _FIELD_LIMITS["code"]]
        at = _aware(event.at)
        seen.setdefault(
            (code, at),
            TrackingEvent(
                at=at,
                code=code,
                description=(event.description or "")[: _FIELD_LIMITS["description"]],
                status=status,
                location=(event.location or "")[: _FIELD_LIMITS["location"]],
            ),
        )
    return sorted(seen.values(), key=lambda e: e.at)


def _moves_parcel(event: TrackingEvent, return_request: ReturnRequest) -> bool:
    if event.status in MOVING_STATUSES:
        return True
    return event.status == TrackingStatus.AT_POINT and return_request.drop_off_method in POINT_METHODS


def _event_words(event: TrackingEvent) -> str:
    words = event.description or str(TrackingStatus(event.status).label)
    return f"{words} ({event.location})" if event.location else words


@transaction.atomic
def label_tracking_apply(
    *, label_id: int, events: Sequence[TrackingEvent], source: str, now: datetime | None = None
) -> TrackingApplied:
    """Store the events not seen before and move the return on what they mean (see the module's docstring).

    Locks the return, then the label (the order every label service takes), so that a poll and a webhook for the
    same parcel apply one after the other.
    """
    if source not in TrackingSource.values:
        raise ValueError(f"unknown tracking source {source!r}")
    now = now or timezone.now()
    return_request_id = Label.objects.values_list("return_request_id", flat=True).get(pk=label_id)
    return_request = None
    if return_request_id is not None:
        return_request = return_request_qs_select_for_update().get(pk=return_request_id)
    label = label_qs_select_for_update().get(pk=label_id)

    cleaned = _clean(events)
    known = set(StoredEvent.objects.filter(label=label, code__in={e.code for e in cleaned}).values_list("code", "at"))
    new = [e for e in cleaned if (e.code, e.at) not in known]
    StoredEvent.objects.bulk_create(
        [
            StoredEvent(
                label=label,
                at=e.at,
                code=e.code,
                description=e.description,
                status=e.status,
                location=e.location,
                source=source,
            )
            for e in new
        ],
        ignore_conflicts=True,  # the lock makes a conflict impossible; a belt for the unique constraint
    )
    fields: list[str] = []
    if source == TrackingSource.POLL:
        label.tracking_checked_at = now
        fields.append("tracking_checked_at")
    if not new:
        if fields:
            label.save(update_fields=[*fields, "updated_at"])
        return TrackingApplied(label=label, stored=0, alert=label.tracking_alert)

    latest = new[-1]
    if label.tracking_status_at is None or latest.at >= label.tracking_status_at:
        label.tracking_status, label.tracking_status_at = latest.status, latest.at
        fields += ["tracking_status", "tracking_status_at"]
    fields += _alerts_follow(label=label, new=new, return_request=return_request, now=now)
    label.save(update_fields=[*dict.fromkeys(fields), "updated_at"])

    moved_to = ""
    if (
        return_request is not None
        and label.status == LabelStatus.READY
        and return_request.status in AWAITING_PARCEL_STATUSES
    ):
        moving = next((e for e in new if _moves_parcel(e, return_request)), None)
        if moving is not None:
            return_request_transition(
                return_request=return_request,
                to=ReturnStatus.IN_TRANSIT,
                actor_label=f"carrier:{label.carrier}"[:100],
                note=_("Carrier scan: %(event)s.") % {"event": _event_words(moving)},
            )
            moved_to = ReturnStatus.IN_TRANSIT
    return TrackingApplied(label=label, stored=len(new), moved_to=moved_to, alert=label.tracking_alert)


def _alerts_follow(
    *, label: Label, new: list[TrackingEvent], return_request: ReturnRequest | None, now: datetime
) -> list[str]:
    """Raise or clear the label's flag on the new events; the fields changed. A raised flag writes a note."""
    before = label.tracking_alert
    alert = before
    if alert == TrackingAlert.LATE:
        alert = ""  # the carrier spoke again
    raised: TrackingEvent | None = None
    # The parcel's latest news (already updated by the caller): a problem reported before a delivery is old news.
    delivered_at = label.tracking_status_at if label.tracking_status == TrackingStatus.DELIVERED else None
    for event in new:
        if event.status == TrackingStatus.DELIVERED and alert != TrackingAlert.RETURNED_TO_SENDER:
            alert, raised = "", None
        flag = ALERT_STATUSES.get(event.status)
        if flag == TrackingAlert.EXCEPTION and delivered_at is not None and event.at < delivered_at:
            continue
        if flag is not None and ALERT_RANK[flag] >= ALERT_RANK[alert]:
            alert, raised = flag, event
    if alert == before and raised is None:
        return []
    label.tracking_alert = alert
    if raised is not None:
        label.tracking_alert_at = now
        label.tracking_alert_detail = _event_words(raised)[:300]
        if return_request is not None:
            return_note_add(
                return_request=return_request,
                author=None,
                body=_("The carrier reports: %(event)s. Tracking number %(number)s.")
                % {"event": _event_words(raised), "number": label.tracking_number},
            )
    elif not alert:
        label.tracking_alert_at, label.tracking_alert_detail = None, ""
    return ["tracking_alert", "tracking_alert_at", "tracking_alert_detail"]


# ---- Polling


def labels_due_for_tracking(*, now: datetime | None = None, batch: int = 500, every: timedelta) -> list[int]:
    """Ready labels of returns whose parcel should be moving, not asked about for `every`, least recently asked
    first. The built-in carrier scans nothing and is never asked."""
    now = now or timezone.now()
    return list(
        Label.objects.filter(
            Q(tracking_checked_at__isnull=True) | Q(tracking_checked_at__lt=now - every),
            status=LabelStatus.READY,
            tracking_number__isnull=False,
            return_request__status__in=TRACKED_RETURN_STATUSES,
        )
        .exclude(carrier=DEFAULT_CARRIER)
        .order_by(F("tracking_checked_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:batch]
    )


def label_track(*, label_id: int, now: datetime | None = None) -> TrackingApplied | None:
    """Ask the label's carrier for its events and apply them; None when the label is not tracked any more or the
    carrier refused for good (logged; the label goes to the back of the queue).

    The carrier is asked outside any transaction (no lock held during a network call). CarrierUnavailable is left
    to the caller (the task retries it later).
    """
    label = Label.objects.select_related("return_request", "account").filter(pk=label_id).first()
    if label is None or label.status != LabelStatus.READY or not label.tracking_number:
        return None
    if label.return_request is not None and label.return_request.status not in TRACKED_RETURN_STATUSES:
        return None
    try:
        events = label_carrier(label=label).track(tracking_number=label.tracking_number)
    except CarrierUnavailable:
        raise
    except CarrierError as exc:
        logger.warning(
            "tracking of label %s (%s) refused by %s: %s", label.pk, label.tracking_number, label.carrier, exc
        )
        Label.objects.filter(pk=label.pk).update(tracking_checked_at=now or timezone.now())
        return None
    return label_tracking_apply(label_id=label.pk, events=events, source=TrackingSource.POLL, now=now)


# ---- Late parcels and the agents' flags


def labels_flag_late(*, now: datetime | None = None, batch: int = 1000) -> int:
    """Flag the labels with no carrier news for the policy's days (return label_ready or in_transit, parcel not
    delivered); how many.

    "News" is the latest carrier event, or the label's readiness when there was none. A flagged label writes an
    internal note on its return; one already flagged (for any reason) is left as it is.
    """
    now = now or timezone.now()
    days = policy_get_default().tracking_late_after_days
    cutoff = now - timedelta(days=days)
    candidates = list(
        Label.objects.filter(
            Q(tracking_status_at__lt=cutoff) | Q(tracking_status_at__isnull=True, ready_at__lt=cutoff),
            status=LabelStatus.READY,
            tracking_alert="",
            return_request__status__in=TRACKED_RETURN_STATUSES,
        )
        .exclude(tracking_status=TrackingStatus.DELIVERED)  # at the dock: the carrier has nothing more to say
        .order_by("pk")
        .values_list("pk", "return_request_id")[:batch]
    )
    flagged = 0
    for label_id, return_request_id in candidates:
        with transaction.atomic():
            return_request = return_request_qs_select_for_update().get(pk=return_request_id)
            label = label_qs_select_for_update().get(pk=label_id)
            last_news = label.tracking_status_at or label.ready_at
            if label.tracking_alert or last_news is None or last_news >= cutoff:
                continue  # changed since the query
            label.tracking_alert = TrackingAlert.LATE
            label.tracking_alert_at = now
            label.tracking_alert_detail = (
                _("No carrier event since %(date)s.") % {"date": timezone.localtime(last_news).date().isoformat()}
            )[:300]
            label.save(update_fields=["tracking_alert", "tracking_alert_at", "tracking_alert_detail", "updated_at"])
            return_note_add(
                return_request=return_request,
                author=None,
                body=_("No news from the carrier for %(days)d days (tracking number %(number)s).")
                % {"days": days, "number": label.tracking_number},
            )
        flagged += 1
    return flagged


@transaction.atomic
def label_tracking_alert_clear(*, label: Label, actor: Actor) -> Label:
    """An agent has dealt with the flagged parcel: the flag goes, an internal note says who cleared what."""
    locked = label_qs_select_for_update().get(pk=label.pk)
    if not locked.tracking_alert:
        raise DomainError(_("This parcel is not flagged any more."), code="tracking_alert_not_set")
    cleared = TrackingAlert(locked.tracking_alert).label
    locked.tracking_alert, locked.tracking_alert_at, locked.tracking_alert_detail = "", None, ""
    locked.save(update_fields=["tracking_alert", "tracking_alert_at", "tracking_alert_detail", "updated_at"])
    if locked.return_request_id is not None:
        return_note_add(
            return_request=ReturnRequest.objects.get(pk=locked.return_request_id),
            author=actor,
            body=_("Carrier flag handled: %(flag)s.") % {"flag": cleared},
        )
    return locked
