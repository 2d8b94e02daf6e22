"""Reads for the warehouse pages and API: scope, boards, units, reports."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from rma.core import roles
from rma.locations.models import Store, Warehouse
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnEvent, ReturnLine, ReturnRequest
from rma.shipping.models import Carton, Shipment, ShipmentStatus
from rma.shipping.store_selectors import AnnouncedCarton, shipment_contents, shipments_expected_at
from rma.warehouse.choices import DispositionKind, UnitCondition
from rma.warehouse.models import (
    CartonReceipt,
    ChecklistItem,
    CountedItem,
    Discrepancy,
    Disposition,
    DispositionRule,
    Grade,
    GradeScale,
    Inspection,
    UnexpectedParcel,
)

User = AbstractBaseUser | AnonymousUser

# Statuses of returns a warehouse can expect: on their way, or approved and not yet scanned by a carrier.
EXPECTED_STATUSES = (ReturnStatus.IN_TRANSIT, ReturnStatus.LABEL_READY, ReturnStatus.APPROVED)
# Statuses in which a received return still waits for the warehouse (inspection or refund).
AWAITING_REFUND_STATUSES = (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED)
# EU Consumer Rights Directive art. 13: refund within 14 days (the trader may wait for the goods).
LEGAL_REFUND_DAYS = 14


def late_after() -> timedelta:
    """How long a parcel may be in transit before the board calls it late."""
    return timedelta(days=getattr(settings, "RMA_WAREHOUSE_LATE_AFTER_DAYS", 7))


def shipment_late_after() -> timedelta:
    """How long after its dispatch a shop's shipment may take before the board calls it late."""
    return timedelta(days=getattr(settings, "RMA_WAREHOUSE_SHIPMENT_LATE_AFTER_DAYS", 3))


def refund_warning() -> timedelta:
    """How close to the legal refund deadline the board starts warning."""
    return timedelta(days=getattr(settings, "RMA_WAREHOUSE_REFUND_WARNING_DAYS", 3))


# ---- scope


def is_warehouse_user(user: User) -> bool:
    """Superusers and holders of the warehouse role."""
    return bool(user.is_authenticated and (user.is_superuser or roles.WAREHOUSE_STAFF in roles.user_roles(user)))


def warehouses_for_user(*, user: User) -> QuerySet[Warehouse]:
    """The warehouses an operator works in (every warehouse for a superuser)."""
    if not user.is_authenticated:
        return Warehouse.objects.none()
    if user.is_superuser:
        return Warehouse.objects.all()
    if roles.WAREHOUSE_STAFF not in roles.user_roles(user):
        return Warehouse.objects.none()
    return Warehouse.objects.filter(staff=user)


def returns_in_scope(*, user: User) -> QuerySet[ReturnRequest]:
    """Returns headed to one of the operator's warehouses."""
    if user.is_authenticated and user.is_superuser:
        return ReturnRequest.objects.all()
    return ReturnRequest.objects.filter(destination_warehouse__in=warehouses_for_user(user=user))


def return_request_get_for_warehouse(*, user: User, public_id: Any) -> ReturnRequest:
    """One return in the operator's scope, with what the inspection pages need; 404 otherwise."""
    try:
        return (
            returns_in_scope(user=user)
            .select_related(
                "order",
                "destination_warehouse",
                "label",
                "refund",
                "exchange_request",
                "arrival__carton",
                "arrival__shipment",
                "arrival__received_by",
            )
            .get(public_id=public_id)
        )
    except (ReturnRequest.DoesNotExist, ValidationError, ValueError, TypeError) as exc:  # also a malformed UUID
        raise Http404 from exc


def unexpected_parcel_get_for_warehouse(*, user: User, pk: int) -> UnexpectedParcel:
    parcel = (
        UnexpectedParcel.objects.select_related("warehouse", "matched_return", "created_by")
        .filter(warehouse__in=warehouses_for_user(user=user), pk=pk)
        .first()
    )
    if parcel is None:
        raise Http404
    return parcel


# ---- boards


def _status_since(status: str) -> Subquery:
    return Subquery(
        ReturnEvent.objects.filter(return_request=OuterRef("pk"), to_status=status)
        .values("return_request")
        .annotate(at=Max("created_at"))
        .values("at")[:1]
    )


def returns_expected(*, warehouses: QuerySet[Warehouse] | list[Warehouse]) -> QuerySet[ReturnRequest]:
    """Returns heading to these warehouses, oldest first, annotated with `since` (in transit or approved)."""
    return (
        ReturnRequest.objects.filter(
            destination_warehouse__in=warehouses, status__in=EXPECTED_STATUSES, returnless=False
        )
        .select_related("order", "destination_warehouse", "label")
        .annotate(since=Coalesce(_status_since(ReturnStatus.IN_TRANSIT), "approved_at", "created_at"))
        .order_by("since", "id")
    )


def returns_awaiting_refund(*, warehouses: QuerySet[Warehouse] | list[Warehouse]) -> QuerySet[ReturnRequest]:
    """Received returns not refunded yet, oldest receipt first, annotated with `received_at`."""
    return (
        ReturnRequest.objects.filter(destination_warehouse__in=warehouses, status__in=AWAITING_REFUND_STATUSES)
        .select_related("order", "destination_warehouse")
        .annotate(received_at=Coalesce(_status_since(ReturnStatus.RECEIVED), "updated_at"))
        .order_by("received_at", "id")
    )


@dataclass(frozen=True)
class ExpectedRow:
    return_request: ReturnRequest
    since: datetime
    age_days: int
    late: bool
    tracking_number: str


def expected_row(*, return_request: ReturnRequest, now: datetime | None = None) -> ExpectedRow:
    """Age and late flag of an expected return (annotated by `returns_expected`)."""
    now = now or timezone.now()
    since = return_request.since
    if return_request.status == ReturnStatus.IN_TRANSIT:
        late = now - since > late_after()
    else:
        late = return_request.send_by is not None and return_request.send_by < now
    label = getattr(return_request, "label", None)
    return ExpectedRow(
        return_request=return_request,
        since=since,
        age_days=(now - since).days,
        late=late,
        tracking_number=(label.tracking_number or "") if label is not None else "",
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
    due_by = return_request.received_at + timedelta(days=LEGAL_REFUND_DAYS)
    return RefundDueRow(
        return_request=return_request,
        received_at=return_request.received_at,
        due_by=due_by,
        days_left=(timezone.localdate(due_by) - timezone.localdate(now)).days,
        due_soon=now <= due_by <= now + refund_warning(),
        overdue=due_by < now,
    )


def unexpected_parcels_open(*, warehouses: QuerySet[Warehouse] | list[Warehouse]) -> QuerySet[UnexpectedParcel]:
    return UnexpectedParcel.objects.filter(warehouse__in=warehouses, matched_return__isnull=True).select_related(
        "warehouse", "created_by"
    )


# ---- grading reference data


def grade_scale_for(*, category: str) -> GradeScale | None:
    """The category's scale, or the "other" scale as a fallback."""
    scales = {s.category: s for s in GradeScale.objects.filter(category__in=(category, "other"))}
    return scales.get(category) or scales.get("other")


def grades_for(*, category: str) -> list[Grade]:
    scale = grade_scale_for(category=category)
    return list(scale.grades.all()) if scale is not None else []


def checklist_items_for(*, category: str) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(category=category, is_active=True))


def disposition_rules_active() -> list[DispositionRule]:
    return list(DispositionRule.objects.filter(is_active=True).select_related("reason").order_by("position", "id"))


# ---- units of a return


@dataclass
class Unit:
    """One physical unit of a return line, with what was found and decided."""

    line: ReturnLine
    index: int
    inspection: Inspection | None
    disposition: Disposition | None

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def needs_disposition(self) -> bool:
        return (
            self.inspection is not None
            and self.inspection.condition == UnitCondition.RECEIVED
            and self.disposition is None
        )

    @property
    def done(self) -> bool:
        return self.inspection is not None and not self.needs_disposition


def return_units(*, return_request: ReturnRequest) -> list[Unit]:
    """Every unit of every line, in order, in three queries."""
    lines = list(
        ReturnLine.objects.filter(return_request=return_request)
        .select_related("order_line__order", "reason")
        .prefetch_related(
            Prefetch(
                "inspections",
                queryset=Inspection.objects.select_related(
                    "grade", "inspected_by", "disposition", "disposition__confirmed_by", "disposition__rule"
                ).prefetch_related("photos"),
            )
        )
        .order_by("id")
    )
    units = []
    for line in lines:
        found = {inspection.unit_index: inspection for inspection in line.inspections.all()}
        for index in range(line.quantity):
            inspection = found.get(index)
            disposition = getattr(inspection, "disposition", None) if inspection is not None else None
            units.append(Unit(line=line, index=index, inspection=inspection, disposition=disposition))
    return units


def unit_get(*, return_request: ReturnRequest, line_id: int, unit_index: int) -> Unit:
    """One unit of a return (404 when the line or the index does not exist)."""
    line = (
        ReturnLine.objects.filter(return_request=return_request, pk=line_id).select_related(
            "order_line__order", "reason"
        )
    ).first()
    if line is None or not 0 <= unit_index < line.quantity:
        raise Http404
    inspection = (
        Inspection.objects.filter(return_line=line, unit_index=unit_index)
        .select_related("grade", "inspected_by", "disposition", "disposition__confirmed_by")
        .prefetch_related("photos")
        .first()
    )
    return Unit(
        line=line,
        index=unit_index,
        inspection=inspection,
        disposition=getattr(inspection, "disposition", None) if inspection is not None else None,
    )


# ---- reports


def destroyed_units(
    *, warehouses: QuerySet[Warehouse] | list[Warehouse], start: date | None = None, end: date | None = None
) -> QuerySet[Disposition]:
    """Units confirmed for destruction (with their derogation), for the ESPR art. 24 annual disclosure."""
    qs = Disposition.objects.filter(
        kind=DispositionKind.DESTROY,
        inspection__return_line__return_request__destination_warehouse__in=warehouses,
    ).select_related(
        "inspection__grade",
        "inspection__return_line__order_line",
        "inspection__return_line__reason",
        "inspection__return_line__return_request__destination_warehouse",
        "confirmed_by",
    )
    if start is not None:
        qs = qs.filter(confirmed_at__date__gte=start)
    if end is not None:
        qs = qs.filter(confirmed_at__date__lte=end)
    return qs.order_by("confirmed_at", "id")


# ---- shops' shipments


def shipments_in_scope(*, user: User) -> QuerySet[Shipment]:
    """Shipments sent to one of the operator's warehouses."""
    if user.is_authenticated and user.is_superuser:
        return Shipment.objects.all()
    return Shipment.objects.filter(warehouse__in=warehouses_for_user(user=user))


def shipment_get_for_warehouse(*, user: User, public_id: Any) -> Shipment:
    """One shipment in the operator's scope, not open any more (the shop is still filling it); 404 otherwise."""
    try:
        return (
            shipments_in_scope(user=user)
            .exclude(status=ShipmentStatus.OPEN)
            .select_related("store", "warehouse", "dispatched_by", "closed_by")
            .get(public_id=public_id)
        )
    except (Shipment.DoesNotExist, ValidationError, ValueError, TypeError) as exc:  # also a malformed UUID
        raise Http404 from exc


def shipments_expected(*, warehouses: QuerySet[Warehouse] | list[Warehouse]) -> QuerySet[Shipment]:
    """Shipments announced (closed) or on their way (dispatched) to these warehouses, oldest first, annotated
    with `since` (dispatched, else closed), `carton_count` and `received_count` (cartons received so far)."""
    return (
        shipments_expected_at(warehouse_ids=[warehouse.pk for warehouse in warehouses])
        .annotate(
            received_count=Count("cartons__warehouse_receipt", distinct=True),
            since=Coalesce("dispatched_at", "closed_at", "created_at"),
        )
        .order_by("since", "id")
    )


@dataclass(frozen=True)
class ShipmentAge:
    since: datetime
    age_days: int
    late: bool


def shipment_age(*, shipment: Shipment, now: datetime | None = None) -> ShipmentAge:
    """How long a shipment has been on its way (since dispatch, else since it was closed), and whether it is late:
    dispatched longer ago than the setting allows and not received yet."""
    now = now or timezone.now()
    since = shipment.dispatched_at or shipment.closed_at or shipment.created_at
    late = (
        shipment.status == ShipmentStatus.DISPATCHED
        and shipment.dispatched_at is not None
        and now - shipment.dispatched_at > shipment_late_after()
    )
    return ShipmentAge(since=since, age_days=(now - since).days, late=late)


@dataclass(frozen=True)
class ExpectedShipmentRow:
    shipment: Shipment
    since: datetime
    age_days: int
    late: bool
    carton_count: int
    received_count: int


def expected_shipment_row(*, shipment: Shipment, now: datetime | None = None) -> ExpectedShipmentRow:
    """Age, late flag and cartons received of an expected shipment (annotated by `shipments_expected`)."""
    age = shipment_age(shipment=shipment, now=now)
    return ExpectedShipmentRow(
        shipment=shipment,
        since=age.since,
        age_days=age.age_days,
        late=age.late,
        carton_count=shipment.carton_count,
        received_count=shipment.received_count,
    )


@dataclass(frozen=True)
class CountLine:
    """One row of a carton's check: what was announced and what was counted of a return or a SKU."""

    kind: str  # "return" or "sku"
    code: str
    name: str
    announced: int
    counted: int
    damaged: int = 0
    return_public_id: str = ""

    @property
    def state(self) -> str:
        if self.counted == self.announced:
            return "ok"
        if self.counted < self.announced:
            return "short"
        return "extra" if self.announced == 0 else "over"


@dataclass
class CartonView:
    carton: Carton
    announced: AnnouncedCarton
    receipt: CartonReceipt | None
    entries: list[CountedItem]
    lines: list[CountLine]

    @property
    def state(self) -> str:
        if self.receipt is None:
            return "waiting"
        return "counted" if self.receipt.counted_at else "counting"

    @property
    def counted_units(self) -> int:
        return sum(entry.quantity for entry in self.entries)

    @property
    def differs(self) -> bool:
        return any(line.state != "ok" for line in self.lines)


@dataclass
class ShipmentReceiving:
    """A shipment as the receiving warehouse sees it: each carton's announced contents, receipt and count."""

    shipment: Shipment
    cartons: list[CartonView]
    discrepancies: list[Discrepancy]

    @property
    def received_count(self) -> int:
        return sum(view.receipt is not None for view in self.cartons)

    @property
    def counted_count(self) -> int:
        return sum(view.state == "counted" for view in self.cartons)

    @property
    def receivable(self) -> bool:
        return self.shipment.status in (ShipmentStatus.CLOSED, ShipmentStatus.DISPATCHED)

    @property
    def missing_cartons(self) -> list[Carton]:
        return [view.carton for view in self.cartons if view.receipt is None]

    @property
    def open_cartons(self) -> list[Carton]:
        return [view.carton for view in self.cartons if view.state == "counting"]

    def carton(self, position: int) -> CartonView:
        for view in self.cartons:
            if view.carton.position == position:
                return view
        raise Http404


def _count_lines(announced: AnnouncedCarton, entries: list[CountedItem]) -> list[CountLine]:
    returns: dict[str, list[str]] = {}
    public_ids: dict[str, str] = {}
    skus: dict[str, int] = {}
    for line in announced.lines:
        if line.rma_number:
            returns.setdefault(line.rma_number, []).append(f"{line.quantity} × {line.sku}")
            public_ids[line.rma_number] = line.return_public_id
        else:
            skus[line.sku] = skus.get(line.sku, 0) + line.quantity
    counted_returns: dict[str, CountedItem] = {}
    counted_skus: dict[str, int] = {}
    damaged_skus: dict[str, int] = {}
    for entry in entries:
        if entry.return_request_id:
            counted_returns[entry.return_request.rma_number] = entry
        else:
            counted_skus[entry.sku] = counted_skus.get(entry.sku, 0) + entry.quantity
            if entry.damaged:
                damaged_skus[entry.sku] = damaged_skus.get(entry.sku, 0) + entry.quantity
    lines = [
        CountLine(
            kind="return",
            code=rma,
            name=", ".join(contents),
            announced=1,
            counted=int(rma in counted_returns),
            damaged=int(rma in counted_returns and counted_returns[rma].damaged),
            return_public_id=public_ids[rma],
        )
        for rma, contents in returns.items()
    ]
    lines += [
        CountLine(
            kind="return",
            code=rma,
            name="",
            announced=0,
            counted=1,
            damaged=int(entry.damaged),
            return_public_id=str(entry.return_request.public_id),
        )
        for rma, entry in counted_returns.items()
        if rma not in returns
    ]
    lines += [
        CountLine(
            kind="sku",
            code=sku,
            name="",
            announced=skus.get(sku, 0),
            counted=counted_skus.get(sku, 0),
            damaged=damaged_skus.get(sku, 0),
        )
        for sku in dict.fromkeys([*skus, *counted_skus])
    ]
    return lines


def shipment_receiving(*, shipment: Shipment) -> ShipmentReceiving:
    """Everything the shipment and carton pages show, in a fixed number of queries."""
    contents = shipment_contents(shipment=shipment)
    announced = {carton.barcode: carton for carton in contents.cartons}
    cartons = list(
        Carton.objects.filter(shipment=shipment)
        .select_related("warehouse_receipt__received_by", "warehouse_receipt__counted_by")
        .order_by("position")
    )
    entries: dict[int, list[CountedItem]] = {}
    for entry in (
        CountedItem.objects.filter(receipt__shipment=shipment)
        .select_related("return_request", "counted_by")
        .order_by("created_at", "id")
    ):
        entries.setdefault(entry.receipt_id, []).append(entry)
    views = []
    for carton in cartons:
        receipt = getattr(carton, "warehouse_receipt", None)
        carton_entries = entries.get(receipt.pk, []) if receipt is not None else []
        carton_announced = announced.get(
            carton.barcode,
            AnnouncedCarton(barcode=carton.barcode, position=carton.position, weight_grams=None, tracking_number=""),
        )
        views.append(
            CartonView(
                carton=carton,
                announced=carton_announced,
                receipt=receipt,
                entries=carton_entries,
                lines=_count_lines(carton_announced, carton_entries),
            )
        )
    discrepancies = list(
        Discrepancy.objects.filter(shipment=shipment).select_related("carton").order_by("carton__position", "id")
    )
    return ShipmentReceiving(shipment=shipment, cartons=views, discrepancies=discrepancies)


# ---- discrepancy reports


def stores_shipping_to(*, warehouses: QuerySet[Warehouse] | list[Warehouse]) -> QuerySet[Store]:
    """The shops that sent shipments to these warehouses (the report's shop filter)."""
    return Store.objects.filter(shipments__warehouse__in=warehouses).distinct().order_by("code")


def discrepancies_report(
    *,
    warehouses: QuerySet[Warehouse] | list[Warehouse],
    start: date | None = None,
    end: date | None = None,
    store: str = "",
    kind: str = "",
) -> QuerySet[Discrepancy]:
    """Discrepancies found at these warehouses, by the date they were recorded, optionally for one shop and kind."""
    qs = Discrepancy.objects.filter(warehouse__in=warehouses).select_related(
        "shipment__store", "carton", "warehouse", "created_by"
    )
    if start is not None:
        qs = qs.filter(created_at__date__gte=start)
    if end is not None:
        qs = qs.filter(created_at__date__lte=end)
    if store:
        qs = qs.filter(shipment__store__code=store)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("created_at", "id")


def discrepancies_by_shop(*, discrepancies: QuerySet[Discrepancy]) -> list[dict[str, Any]]:
    """Totals per shop and kind: how many discrepancies, how many units, over how many shipments."""
    return list(
        discrepancies.order_by()
        .values("shipment__store__code", "shipment__store__name", "kind")
        .annotate(count=Count("id"), units=Sum("quantity"), shipments=Count("shipment", distinct=True))
        .order_by("shipment__store__code", "kind")
    )
