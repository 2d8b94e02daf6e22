"""Keeping the daily roll-ups up to date (rma.insights.rollups): a worker task every minute rebuilds the days that
something happened to since its last run, read from marks in the raw tables (the last return event, inspection,
disposition and order seen, and the shops' shipments changed since the last run), and a nightly pass rebuilds the
recent weeks whole."""

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Model, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from rma.insights.models import RollupState
from rma.insights.rollups import days_rebuild
from rma.orders.models import Order
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.shipping.models import Shipment
from rma.warehouse.models import Disposition, Inspection

# Rows are numbered when written and seen when committed: a row numbered below the mark may commit after a run
# moved the mark past it. Each run also reads again the rows below the mark (at most this many ids) written since
# shortly before the last run, which covers any transaction shorter than LATE_COMMIT.
LOOKBACK_IDS = 5000
LATE_COMMIT = timedelta(minutes=2)


def _since(model: type[Model], field: str, mark: int, refreshed: datetime | None) -> QuerySet[Any]:
    """The rows of `model` past `mark` on `field`, and those just below it written since the last run."""
    new = Q(**{f"{field}__gt": mark})
    if refreshed is not None:
        new |= Q(**{f"{field}__gt": max(mark - LOOKBACK_IDS, 0), "created_at__gte": refreshed - LATE_COMMIT})
    return model._default_manager.filter(new)


def _dirty_days(state: RollupState) -> tuple[set[date], dict[str, int]]:
    """The days touched since the marks, and the new marks."""
    events = _since(ReturnEvent, "id", state.event_id, state.refreshed_at)
    inspections = _since(Inspection, "id", state.inspection_id, state.refreshed_at)
    dispositions = _since(Disposition, "id", state.disposition_id, state.refreshed_at)
    orders = _since(Order, "id", state.order_id, state.refreshed_at)
    marks = {
        "event_id": max(events.aggregate(top=Max("id"))["top"] or 0, state.event_id),
        "inspection_id": max(inspections.aggregate(top=Max("id"))["top"] or 0, state.inspection_id),
        "disposition_id": max(dispositions.aggregate(top=Max("id"))["top"] or 0, state.disposition_id),
        "order_id": max(orders.aggregate(top=Max("id"))["top"] or 0, state.order_id),
    }
    returns = ReturnRequest.objects.filter(
        Q(pk__in=events.values("return_request_id"))
        | Q(pk__in=inspections.values("return_line__return_request_id"))
        | Q(pk__in=dispositions.values("inspection__return_line__return_request_id"))
    )
    touched = set(returns.values_list("created_at", flat=True).order_by())
    touched |= set(orders.values_list("placed_at", flat=True).order_by())
    if state.refreshed_at is not None:  # shipments change in place (dispatched, received): by their time of change
        shipments = Shipment.objects.filter(
            updated_at__gte=state.refreshed_at - LATE_COMMIT, dispatched_at__isnull=False
        )
        touched |= set(shipments.values_list("dispatched_at", flat=True).order_by())
    return {timezone.localdate(moment) for moment in touched}, marks


def _marks_now() -> dict[str, int]:
    return {
        "event_id": ReturnEvent.objects.aggregate(top=Max("id"))["top"] or 0,
        "inspection_id": Inspection.objects.aggregate(top=Max("id"))["top"] or 0,
        "disposition_id": Disposition.objects.aggregate(top=Max("id"))["top"] or 0,
        "order_id": Order.objects.aggregate(top=Max("id"))["top"] or 0,
    }


def _recent_days(count: int) -> set[date]:
    today = timezone.localdate()
    return {today - timedelta(days=offset) for offset in range(count)}


def rollups_refresh() -> int:
    """Rebuild the days touched since the last run; one run at a time (others find the state row locked and leave).
    Returns the days rebuilt, or -1 when another run holds the lock.

    The very first run (an existing database meeting the roll-ups) rebuilds the recent weeks only, as the nightly
    pass does, so that it fits in a task's time; `manage.py insights_rollup` rebuilds the whole history."""
    RollupState.objects.get_or_create(pk=1)
    with transaction.atomic():
        state = RollupState.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if state is None:
            return -1
        if state.refreshed_at is None:
            days, marks = _recent_days(settings.RMA_INSIGHTS_REBUILD_DAYS), _marks_now()
        else:
            days, marks = _dirty_days(state)
        days_rebuild(days)
        RollupState.objects.filter(pk=1).update(**marks, refreshed_at=timezone.now())
    return len(days)


def recent_rebuild(*, days: int) -> int:
    """The nightly pass: rebuild the last `days` days whole."""
    RollupState.objects.get_or_create(pk=1)
    with transaction.atomic():
        RollupState.objects.select_for_update().filter(pk=1).first()  # after a running refresh, never beside it
        return days_rebuild(_recent_days(days))


def refreshed_at() -> datetime | None:
    return RollupState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()


def refreshed_label() -> str | None:
    """When the roll-ups were last brought up to date, as the pages say it (the reader's language, the site's time)."""
    moment = refreshed_at()
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else None


def marks_reset() -> None:
    """Move the marks to the newest rows: what exists now is what a full rebuild reads."""
    RollupState.objects.update_or_create(pk=1, defaults={**_marks_now(), "refreshed_at": timezone.now()})
