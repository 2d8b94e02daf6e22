"""The board's headline figures (how many returns are expected, late, at the dock, due for a refund…), counted by
the database over a bounded number of rows.

The board shows the most urgent rows of each list and links to the whole list; its headings count the rest. A
count reads at most `RMA_WAREHOUSE_BOARD_COUNT_LIMIT` rows of each list, in the list's own order (the partial
indexes `returns_expected_covering`, `returns_awaiting_board` and `shipping_shipment_on_its_way` hand them over), so
the board costs the same with a hundred returns in flight or a hundred thousand. Past the limit a figure is a floor
and reads "500+".

Those indexes hold every column the counts read (and `shipping_label_delivery` what a label says of its delivery),
so PostgreSQL counts from the indexes alone: reading the rows themselves, one table page each for the oldest returns
in flight scattered over a large table, made the board's figures twice as slow at half a million returns as at ten
thousand.
"""

from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.formats import number_format

from rma.locations.models import Warehouse
from rma.returns.choices import ReturnStatus
from rma.shipping.carriers import TrackingStatus
from rma.shipping.choices import ShipmentStatus, TrackingAlert
from rma.shipping.models import Label
from rma.warehouse.selectors.boards import (
    LEGAL_REFUND_DAYS,
    late_after,
    refund_warning,
    returns_awaiting_refund,
    returns_expected,
    shipment_late_after,
    unexpected_parcels_open,
)
from rma.warehouse.selectors.shipments import shipments_expected

__all__ = ["BoardCount", "BoardCounts", "board_counts"]


@dataclass(frozen=True)
class BoardCount:
    """A count, exact below the limit; `capped` when more rows were there than were counted (a floor)."""

    value: int
    capped: bool = False

    def __bool__(self) -> bool:
        return self.value > 0

    def __str__(self) -> str:
        return number_format(self.value, force_grouping=True) + ("+" if self.capped else "")


@dataclass(frozen=True)
class BoardCounts:
    expected: BoardCount
    late: BoardCount
    at_dock: BoardCount
    awaiting: BoardCount
    refund_flagged: BoardCount  # the refund is due within the warning days, or overdue
    shipments: BoardCount
    late_shipments: BoardCount
    unexpected: BoardCount


def _at_dock() -> Q:
    """The carrier says it was delivered here (not "delivered" back to the customer): it waits for its scan.

    Read from the return's label by a sub-query of one row (its unique index) rather than a join: PostgreSQL works
    it out for the rows the count reads only, after the list's sort and limit. A join ran over every return in flight
    first (a seq scan of the labels and a hash join, most of the board's time once thousands were on their way).
    """
    delivered_here = ExpressionWrapper(
        Q(tracking_status=TrackingStatus.DELIVERED) & ~Q(tracking_alert=TrackingAlert.RETURNED_TO_SENDER),
        output_field=BooleanField(),
    )
    label_says = Label.objects.filter(return_request=OuterRef("pk")).order_by().values_list(delivered_here)[:1]
    return Q(Coalesce(Subquery(label_says), Value(False), output_field=BooleanField()))


@dataclass(frozen=True)
class _Head:
    """The first `limit` + 1 rows of a list, as SQL that selects its flags, to be counted."""

    sql: str
    params: tuple[Any, ...]
    flags: tuple[str, ...]


def _head(queryset: QuerySet, limit: int, **flags: Q) -> _Head:
    head = (
        queryset.prefetch_related(None)
        .annotate(
            **{name: ExpressionWrapper(condition, output_field=BooleanField()) for name, condition in flags.items()}
        )
        .values_list("pk", *flags)[: limit + 1]
    )
    sql, params = head.query.sql_with_params()
    return _Head(sql, tuple(params), tuple(flags))


@dataclass(frozen=True)
class _Counting:
    """The statement counting every list's head, and each head's flags in the order of its columns."""

    sql: str
    params: tuple[Any, ...]
    flags: tuple[tuple[str, ...], ...]

    def at(self, now: datetime, made_at: datetime) -> list[Any]:
        """Its parameters for `now`, when it was made for `made_at`: every time in it is `made_at` moved by a fixed
        span (the late, warning and refund days), so moving them all by `now - made_at` gives `now`'s."""
        shift = now - made_at
        return [param + shift if isinstance(param, datetime) else param for param in self.params]


def _counting(heads: list[_Head]) -> _Counting:
    """Each head's `total` and flags, counted in one statement (one sub-query per list)."""
    columns: list[str] = []
    sources: list[str] = []
    params: list[Any] = []
    for index, head in enumerate(heads):
        alias = f"head{index}"
        columns.append(f"{alias}.total")
        sources.append(
            "(SELECT COUNT(*) AS total"
            + "".join(f", SUM(CASE WHEN h.{name} THEN 1 ELSE 0 END) AS {name}" for name in head.flags)
            + f" FROM ({head.sql}) AS h) AS {alias}"
        )
        columns.extend(f"{alias}.{name}" for name in head.flags)
        params.extend(head.params)
    sql = f"SELECT {', '.join(columns)} FROM {' CROSS JOIN '.join(sources)}"  # noqa: S608
    return _Counting(sql, tuple(params), tuple(head.flags for head in heads))


def _heads(warehouses: QuerySet[Warehouse] | list[Warehouse], now: datetime, limit: int) -> list[_Head]:
    at_dock = _at_dock()
    in_transit = Q(status=ReturnStatus.IN_TRANSIT)
    # As `expected_row` decides it: in transit for too long, or not sent by the day it had to be; not at the dock.
    late = ((in_transit & Q(status_changed_at__lt=now - late_after())) | (~in_transit & Q(send_by__lt=now))) & ~at_dock
    # As `refund_due_row` decides it: the 14-day deadline falls before the end of the warning days.
    flagged = Q(received_at__lte=now + refund_warning() - timedelta(days=LEGAL_REFUND_DAYS))
    return [
        _head(returns_expected(warehouses=warehouses), limit, late=late, at_dock=at_dock),
        _head(returns_awaiting_refund(warehouses=warehouses), limit, flagged=flagged),
        _head(
            shipments_expected(warehouses=warehouses),
            limit,
            late=Q(status=ShipmentStatus.DISPATCHED, dispatched_at__lt=now - shipment_late_after()),
        ),
        _head(unexpected_parcels_open(warehouses=warehouses), limit),
    ]


# The time the kept statements are made for: any time does, as long as it is the same for all.
_MADE_AT = datetime(2000, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=64)
def _counting_kept(warehouse_ids: tuple[int, ...], limit: int, _spans: tuple[timedelta, ...]) -> _Counting:
    """The statement for these warehouses, made once per process (per limit and spans, which settings set): the ORM
    built and compiled four querysets for it on every board, a sixth of the page's time."""
    return _counting(_heads([Warehouse(pk=pk) for pk in warehouse_ids], _MADE_AT, limit))


def _counted(counting: _Counting, params: list[Any], limit: int) -> list[dict[str, BoardCount]]:
    with connection.cursor() as cursor:
        cursor.execute(counting.sql, params)
        row = list(cursor.fetchone())
    counted = []
    for flags in counting.flags:
        total, figures = row[0], row[1 : 1 + len(flags)]
        row = row[1 + len(flags) :]
        capped = total > limit
        counts = {name: BoardCount(figure or 0, capped=capped) for name, figure in zip(flags, figures, strict=True)}
        counts["total"] = BoardCount(min(total, limit), capped=capped)
        counted.append(counts)
    return counted


def board_counts(*, warehouses: QuerySet[Warehouse] | list[Warehouse], now: datetime) -> BoardCounts:
    limit = settings.RMA_WAREHOUSE_BOARD_COUNT_LIMIT
    if not warehouses:  # an operator not assigned yet: nothing to count (and no statement: `IN ()` is none)
        return BoardCounts(*(BoardCount(0) for _field in fields(BoardCounts)))
    if connection.vendor == "postgresql":
        # Times are parameters as they are on PostgreSQL, which the kept statement can move to `now`; SQLite gets
        # them as text, and its statement is made each time.
        spans = (late_after(), refund_warning(), shipment_late_after())
        counting = _counting_kept(tuple(sorted(warehouse.pk for warehouse in warehouses)), limit, spans)
        params = counting.at(now, _MADE_AT)
    else:
        counting = _counting(_heads(warehouses, now, limit))
        params = list(counting.params)
    expected, awaiting, shipments, unexpected = _counted(counting, params, limit)
    return BoardCounts(
        expected=expected["total"],
        late=expected["late"],
        at_dock=expected["at_dock"],
        awaiting=awaiting["total"],
        refund_flagged=awaiting["flagged"],
        shipments=shipments["total"],
        late_shipments=shipments["late"],
        unexpected=unexpected["total"],
    )
