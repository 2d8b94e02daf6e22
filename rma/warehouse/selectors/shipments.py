"""Shops' shipments as a warehouse receives them, carton by carton."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict
from uuid import UUID

from django.db.models import OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from rma.core.queries import count_of
from rma.locations.models import Warehouse
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment
from rma.shipping.selectors import AnnouncedCarton, shipment_contents, shipments_expected_at
from rma.warehouse.models import CartonReceipt, CountedItem, Discrepancy
from rma.warehouse.selectors.boards import shipment_late_after
from rma.warehouse.selectors.scope import AnyUser, warehouses_for_user

__all__ = [
    "shipments_in_scope",
    "shipment_get_for_warehouse",
    "shipments_expected",
    "ShipmentAge",
    "shipment_age",
    "ExpectedShipmentRow",
    "expected_shipment_row",
    "CountLine",
    "CartonView",
    "ShipmentReceiving",
    "shipment_receiving",
]


def shipments_in_scope(*, user: AnyUser) -> QuerySet[Shipment]:
    """Shipments sent to one of the operator's warehouses."""
    if user.is_authenticated and user.is_superuser:
        return Shipment.objects.all()
    return Shipment.objects.filter(warehouse__in=warehouses_for_user(user=user))


def shipment_get_for_warehouse(*, user: AnyUser, public_id: UUID) -> Shipment | None:
    """One shipment in the operator's scope, not open any more (the shop is still filling it); None otherwise."""
    return (
        shipments_in_scope(user=user)
        .exclude(status=ShipmentStatus.OPEN)
        .select_related("store", "warehouse", "dispatched_by", "closed_by")
        .filter(public_id=public_id)
        .first()
    )


class _ExpectedShipmentCounts(TypedDict):
    carton_count: int
    received_count: int
    since: datetime


# A shipment annotated with its cartons, those received so far and since when it is expected.
if TYPE_CHECKING:  # django-stubs is a development dependency only
    from django_stubs_ext import WithAnnotations

    ExpectedShipment = WithAnnotations[Shipment, _ExpectedShipmentCounts]


def shipments_expected(*, warehouses: QuerySet[Warehouse] | list[Warehouse]) -> "QuerySet[ExpectedShipment]":
    """Shipments announced (closed) or on their way (dispatched) to these warehouses, oldest first, annotated
    with `since` (dispatched, else closed), `carton_count` and `received_count` (cartons received so far)."""
    return (
        shipments_expected_at(warehouse_ids=[warehouse.pk for warehouse in warehouses])
        .annotate(
            received_count=count_of(
                Carton.objects.filter(shipment=OuterRef("pk"), warehouse_receipt__isnull=False), by="shipment"
            ),
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


def expected_shipment_row(*, shipment: "ExpectedShipment", now: datetime | None = None) -> ExpectedShipmentRow:
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
    number: int = 0  # 1, 2, 3… in position order, as people read it ("carton 2 of 3")

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

    def carton(self, position: int) -> CartonView | None:
        """The carton at `position` of the shipment, or None."""
        return next((view for view in self.cartons if view.carton.position == position), None)


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
    counted_public_ids: dict[str, str] = {}
    counted_skus: dict[str, int] = {}
    damaged_skus: dict[str, int] = {}
    for entry in entries:
        if entry.return_request is not None:
            counted_returns[entry.return_request.rma_number] = entry
            counted_public_ids[entry.return_request.rma_number] = str(entry.return_request.public_id)
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
            return_public_id=counted_public_ids[rma],
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
    for number, carton in enumerate(cartons, start=1):
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
                number=number,
            )
        )
    # Through the shipment's manager, each discrepancy knows its shipment; with what the API shows of each.
    discrepancies = list(
        shipment.discrepancies.select_related("carton", "warehouse", "created_by").order_by("carton__position", "id")
    )
    return ShipmentReceiving(shipment=shipment, cartons=views, discrepancies=discrepancies)
