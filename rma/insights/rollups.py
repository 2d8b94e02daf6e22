"""Building the roll-ups (rma.insights.models) from the raw tables, a whole day at a time.

`days_rebuild` replaces the rows of the given days with what the raw tables say now: it reads the returns requested
and the orders placed on those days (a few thousand rows a day, rma.insights.rollup_sources), adds them up in Python
and writes the sums, then adds up the day rows of each month touched into its month rows, all in one transaction, so
a reader sees a day's old rows or its new ones, never half of each. `rma.insights.refresh` (a worker task, every
minute) finds the days something happened to since its last run and rebuilds them: the request days of the returns
with new events (a status change, however late: a refund a month after the request rewrites the request's day), new
inspections or new dispositions, the days of new orders, and the dispatch days of the shops' shipments that
changed. A nightly run rebuilds the recent weeks whole, for the
changes that write none of these (an order edited on the shop's side).
"""

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from rma.insights.models import (
    CostDay,
    DiscrepancyDay,
    DispositionDay,
    FootprintDay,
    ReasonDay,
    RecoveryDay,
    RefundDay,
    RefundTimeDay,
    ReturnDay,
    RollupState,
    ShipmentDay,
    SkuDay,
)
from rma.insights.rollup_sources import returns_read, sales_read, shipments_read, sums_empty
from rma.orders.models import OrderLine
from rma.returns.models import ReturnRequest

TABLES: tuple[type[Model], ...] = (
    SkuDay,
    ReturnDay,
    ReasonDay,
    RefundDay,
    RefundTimeDay,
    CostDay,
    RecoveryDay,
    FootprintDay,
    DispositionDay,
    ShipmentDay,
    DiscrepancyDay,
)


def _bounds(day: date) -> tuple[datetime, datetime]:
    """The day's first moment and the next day's, in the site's time zone, as rollup_sources reads each row's day."""
    zone = timezone.get_default_timezone()
    return datetime.combine(day, time.min, tzinfo=zone), datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=zone
    )


def _spans(days: Iterable[date]) -> Iterator[tuple[date, date]]:
    """Runs of consecutive days, as (first, last): one read of the raw tables per run instead of per day."""
    ordered = sorted(set(days))
    while ordered:
        first = last = ordered.pop(0)
        while ordered and ordered[0] == last + timedelta(days=1):
            last = ordered.pop(0)
        yield first, last


def month_first(day: date) -> date:
    return day.replace(day=1)


def month_next(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _months(first: date, last: date) -> Iterator[date]:
    month = month_first(first)
    while month <= last:
        yield month
        month = month_next(month)


MEASURES: dict[type[Model], tuple[str, ...]] = {table.model: table.measures for table in sums_empty().values()}


def _month_rebuild(model: type[Model], month: date) -> None:
    """Replace a month's rows of `model` with the sums of its day rows: one INSERT … SELECT … GROUP BY."""
    table = model._meta.db_table
    measures = MEASURES[model]
    dims = [f.column for f in model._meta.concrete_fields if f.name not in {"id", "day", "monthly", *measures}]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in dims)
    totals = ", ".join(f"SUM({quote(name)})" for name in measures)
    model._default_manager.filter(monthly=True, day=month).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({quote('day')}, {quote('monthly')}, {columns}, "
            f"{', '.join(quote(name) for name in measures)}) "
            f"SELECT %s, %s, {columns}, {totals} FROM {quote(table)} "
            f"WHERE {quote('monthly')} = %s AND {quote('day')} >= %s AND {quote('day')} < %s GROUP BY {columns}",
            [month, True, False, month, month_next(month)],
        )


def _rebuilds_serialise() -> None:
    """Wait for any other rebuild to commit (they all lock the state row: the worker's refresh, the nightly pass,
    `manage.py insights_rollup`). Two rebuilds of the same day side by side would each delete the rows they see and
    insert their own: the day would be counted twice."""
    RollupState.objects.get_or_create(pk=1)
    RollupState.objects.select_for_update().filter(pk=1).values_list("pk", flat=True).first()


def days_rebuild(days: Iterable[date]) -> int:
    """Replace the roll-up rows of these days, and the month rows of their months, with what the raw tables say now,
    in one transaction; returns the day rows written."""
    written, months = 0, set[date]()
    with transaction.atomic():
        _rebuilds_serialise()
        for first, last in _spans(days):
            start, end = _bounds(first)[0], _bounds(last)[1]
            sums = sums_empty()
            returns_read(start, end, sums)
            sales_read(start, end, sums)
            shipments_read(start, end, sums)
            for model in TABLES:
                model._default_manager.filter(monthly=False, day__gte=first, day__lte=last).delete()
            for table in sums.values():
                rows = table.instances()
                table.model._default_manager.bulk_create(rows, batch_size=2000)
                written += len(rows)
            months.update(_months(first, last))
        for month in sorted(months):
            for model in TABLES:
                _month_rebuild(model, month)
    return written


def all_days_rebuild(*, since: date | None = None) -> int:
    """Rebuild every day from `since` (or the first order or return) to today, a month at a time."""
    first_order = OrderLine.objects.order_by("order__placed_at").values_list("order__placed_at", flat=True).first()
    first_return = ReturnRequest.objects.order_by("created_at").values_list("created_at", flat=True).first()
    starts = [timezone.localdate(moment) for moment in (first_order, first_return) if moment is not None]
    if since is None and not starts:
        return 0
    day, today, written = since or min(starts), timezone.localdate(), 0
    while day <= today:
        last = min(month_next(day) - timedelta(days=1), today)
        written += days_rebuild(day + timedelta(days=offset) for offset in range((last - day).days + 1))
        day = last + timedelta(days=1)
    return written
