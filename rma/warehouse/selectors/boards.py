"""The warehouse board: returns expected, returns waiting for their refund, parcels nobody announced."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from rma.locations.models import Warehouse
from rma.orders.models import Order
from rma.returns.choices import AWAITING_REFUND_STATUSES, EXPECTED_STATUSES, ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.carriers import TrackingStatus
from rma.shipping.choices import TrackingAlert
from rma.shipping.models import Label
from rma.warehouse.models import UnexpectedParcel

__all__ = [
    "late_after",
    "shipment_late_after",
    "refund_warning",
    "returns_expected",
    "returns_awaiting_refund",
    "ExpectedRow",
    "expected_row",
    "RefundDueRow",
    "refund_due_row",
    "unexpected_parcels_open",
]

# EU Consumer Rights Directive art. 13: refund within 14 days (the trader may wait for the goods).
LEGAL_REFUND_DAYS = 14


class _Since(TypedDict):
    since: datetime


# A return annotated with when it last moved.
if TYPE_CHECKING:  # django-stubs is a development dependency only
    from django_stubs_ext import WithAnnotations

    ExpectedReturn = WithAnnotations[ReturnRequest, _Since]


def late_after() -> timedelta:
    """How long a parcel may be in transit before the board calls it late."""
    return timedelta(days=settings.RMA_WAREHOUSE_LATE_AFTER_DAYS)


def shipment_late_after() -> timedelta:
    """How long after its dispatch a shop's shipment may take before the board calls it late."""
    return timedelta(days=settings.RMA_WAREHOUSE_SHIPMENT_LATE_AFTER_DAYS)


def refund_warning() -> timedelta:
    """How close to the legal refund deadline the board starts warning."""
    return timedelta(days=settings.RMA_WAREHOUSE_REFUND_WARNING_DAYS)


# What the board's rows and the API's board lists read of a return, its order and its label: a board page builds
# some 1,000 model instances, and the columns nobody shows only cost time to load.
_ROW_COLUMNS = (
    "public_id",
    "rma_number",
    "status",
    "resolution",
    "order",
    "send_by",
    "status_changed_at",
    "received_at",
    "destination_warehouse__code",
)
_ROW_LABEL_COLUMNS = ("return_request", "tracking_number", "tracking_status", "tracking_alert")
_ORDER_NUMBER = Prefetch("order", queryset=Order.objects.only("number"))


def returns_expected(*, warehouses: QuerySet[Warehouse] | list[Warehouse]) -> "QuerySet[ExpectedReturn]":
    """Returns heading to these warehouses, oldest move first, annotated with `since` (when they last moved).

    `since` is the stored `status_changed_at` (in transit since, approved since, label ready since). For one
    warehouse the partial index `returns_expected_covering` hands the rows over in this order: a page reads its rows
    only, however many returns are in flight.
    """
    return (
        ReturnRequest.objects.filter(
            destination_warehouse__in=warehouses, status__in=EXPECTED_STATUSES, returnless=False
        )
        .select_related("destination_warehouse")
        .only(*_ROW_COLUMNS)
        # Fetched for the page's rows only: joined, they would be read for every in-flight row before the sort.
        .prefetch_related(_ORDER_NUMBER, Prefetch("label", queryset=Label.objects.only(*_ROW_LABEL_COLUMNS)))
        .annotate(since=F("status_changed_at"))
        .order_by("since", "id")
    )


def returns_awaiting_refund(*, warehouses: QuerySet[Warehouse] | list[Warehouse]) -> QuerySet[ReturnRequest]:
    """Received returns not refunded yet, oldest receipt first (the stored `received_at`, in the order of the partial
    index `returns_awaiting_board`)."""
    return (
        ReturnRequest.objects.filter(destination_warehouse__in=warehouses, status__in=AWAITING_REFUND_STATUSES)
        .select_related("destination_warehouse")
        .only(*_ROW_COLUMNS)
        .prefetch_related(_ORDER_NUMBER)  # for the page's rows only (see returns_expected)
        .order_by("received_at", "id")
    )


@dataclass(frozen=True)
class ExpectedRow:
    return_request: ReturnRequest
    since: datetime
    age_days: int
    late: bool
    tracking_number: str
    # The carrier says the parcel was delivered here: it waits at the dock for its scan.
    at_dock: bool = False


def expected_row(*, return_request: "ExpectedReturn", now: datetime | None = None) -> ExpectedRow:
    """Age and late flag of an expected return (annotated by `returns_expected`)."""
    now = now or timezone.now()
    since = return_request.since
    if return_request.status == ReturnStatus.IN_TRANSIT:
        late = now - since > late_after()
    else:
        late = return_request.send_by is not None and return_request.send_by < now
    label = getattr(return_request, "label", None)
    at_dock = (
        label is not None
        and label.tracking_status == TrackingStatus.DELIVERED
        and label.tracking_alert != TrackingAlert.RETURNED_TO_SENDER  # "delivered" back to the customer
    )
    return ExpectedRow(
        return_request=return_request,
        since=since,
        age_days=(now - since).days,
        late=late and not at_dock,
        tracking_number=(label.tracking_number or "") if label is not None else "",
        at_dock=at_dock,
    )


@dataclass(frozen=True)
class RefundDueRow:
    return_request: ReturnRequest
    received_at: datetime
    due_by: datetime
    days_left: int
    due_soon: bool
    overdue: bool


def refund_due_row(*, return_request: ReturnRequest, now: datetime | None = None) -> RefundDueRow:
    """The legal refund deadline (14 days from receipt) of a received return, and how close it is."""
    now = now or timezone.now()
    # Every received return has it (the transition writes it, the migration filled the older ones).
    received_at = return_request.received_at or return_request.status_changed_at
    due_by = received_at + timedelta(days=LEGAL_REFUND_DAYS)
    return RefundDueRow(
        return_request=return_request,
        received_at=received_at,
        due_by=due_by,
        days_left=(timezone.localdate(due_by) - timezone.localdate(now)).days,
        due_soon=now <= due_by <= now + refund_warning(),
        overdue=due_by < now,
    )


def unexpected_parcels_open(*, warehouses: QuerySet[Warehouse] | list[Warehouse]) -> QuerySet[UnexpectedParcel]:
    """Parcels scanned here that match no return yet, the latest first."""
    return (
        UnexpectedParcel.objects.filter(warehouse__in=warehouses, matched_return__isnull=True)
        .select_related("warehouse", "created_by")
        .order_by("-created_at", "-id")
    )
