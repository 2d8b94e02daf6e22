"""Demo shipments from the shops to their warehouse, each made by the services a shop and a warehouse use.

A few shops send back what they hold: customer returns handed in and checked at their counter, and loose
stock (unsold, damaged). Each shipment is opened, filled carton by carton (returns by their RMA number, loose
units by SKU), weighed, closed (its documents made by the service the documents task calls), dispatched, and
one is received by its warehouse carton by carton, counted and finished as the warehouse's operators do. One
shipment per stage: open (being filled), closed, dispatched (announced to the warehouse), received. Only
timestamps are moved afterwards (shipment_backdate).
"""

import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Max
from django.utils import timezone

from rma.demo import geography as geo
from rma.demo.returns import DemoReturns
from rma.locations.choices import DropOffMethod
from rma.locations.models import Store
from rma.orders.models import Order
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReasonCode, ReturnEvent, ReturnRequest
from rma.shipping.choices import ShipmentItemKind, ShipmentStatus
from rma.shipping.models import Carton, Shipment, ShipmentItem
from rma.shipping.services.shipment_documents import shipment_documents_generate
from rma.shipping.services.shipment_handover import shipment_close, shipment_dispatch
from rma.shipping.services.shipments import (
    carton_add,
    carton_weight_set,
    shipment_loose_item_add,
    shipment_open,
    shipment_return_add,
)
from rma.warehouse.models import Arrival, CartonReceipt, CountedItem, Discrepancy
from rma.warehouse.services import carton_count_add, carton_count_finish, carton_receive

S = ReturnStatus
Users = dict[str, User]

# The stages the demo shipments end in, the most advanced first (it gets the shop holding the most returns).
STAGES: tuple[str, ...] = (
    ShipmentStatus.RECEIVED,
    ShipmentStatus.DISPATCHED,
    ShipmentStatus.CLOSED,
    ShipmentStatus.OPEN,
)
MAX_SHOPS = 3
# Returns started and checked at a shop's counter for the shipments, beside the one of the return scenarios.
COUNTER_RETURNS = 5
# Hours after the last return was handed in: opened, closed, dispatched (the carrier's pickup), received.
STAGE_HOURS = (2.0, 26.0, 44.0, 68.0)
SHOP_STOCK_SKUS = tuple(
    variant["sku"]
    for product in geo.PRODUCT_CATALOGUE
    if not product["final_sale"] and product["category"] in ("apparel", "footwear", "home")
    for variant in product["variants"]
)


def shops_holding_returns() -> dict[Store, list[ReturnRequest]]:
    """Returns handed in and checked at a shop's counter (in transit there) and in no shipment yet, by shop."""
    held = (
        ReturnRequest.objects.filter(
            status=S.IN_TRANSIT,
            drop_off_method=DropOffMethod.STORE,
            store__isnull=False,
            lines__counter_check__accepted=True,
        )
        .exclude(
            pk__in=ShipmentItem.objects.filter(removed_at__isnull=True, return_request__isnull=False).values(
                "return_request"
            )
        )
        .select_related("store")
        .distinct()
        .order_by("pk")
    )
    by_shop: dict[Store, list[ReturnRequest]] = defaultdict(list)
    for return_request in held:
        if return_request.store is not None:
            by_shop[return_request.store].append(return_request)
    return dict(by_shop)


class CounterReturns(DemoReturns):
    """Returns started and checked at the counter of the shop nearest to their customer: the shops hold them."""

    counter_started = frozenset((S.IN_TRANSIT, variant) for variant in range(COUNTER_RETURNS))


class DemoShipments:
    """Plays STAGES on the shops that hold counter-checked returns, through the shipping and warehouse services."""

    def __init__(self, *, reasons: dict[str, ReasonCode], users: Users, seed: int) -> None:
        self.reasons = reasons
        self.users = users
        self.seed_value = seed
        self.rng = random.Random(seed)
        self.now = timezone.now()

    def seed(self, *, orders: list[Order]) -> tuple[int, int]:
        """Hand in a few returns at shops' counters, then make the shipments; how many shipments and returns."""
        returns = CounterReturns(reasons=self.reasons, users=self.users, seed=self.seed_value)
        handed_in = returns.seed(orders=orders, scenarios=((S.IN_TRANSIT, COUNTER_RETURNS),))
        by_shop = shops_holding_returns()
        if not by_shop:
            raise RuntimeError("No demo shop holds a counter-checked return to ship.")
        shops = sorted(by_shop, key=lambda shop: (-len(by_shop[shop]), shop.code))[:MAX_SHOPS]
        plan: dict[Store, list[str]] = defaultdict(list)
        for index, stage in enumerate(STAGES):
            plan[shops[index % len(shops)]].append(stage)
        made = 0
        for shop in shops:
            stages = plan[shop]
            # The shop's returns shared among its shipments; its open one (if any) is opened last.
            shares: list[list[ReturnRequest]] = [[] for _stage in stages]
            for index, return_request in enumerate(by_shop[shop]):
                shares[index % len(stages)].append(return_request)
            for stage, share in zip(stages, shares, strict=True):
                shipment = self._ship(shop=shop, stage=stage, returns=share)
                shipment_backdate(shipment=shipment, stage=stage, returns=share, now=self.now)
                made += 1
        return made, handed_in

    def _ship(self, *, shop: Store, stage: str, returns: list[ReturnRequest]) -> Shipment:
        staff = self.users[f"store-{shop.code}"]
        shipment = shipment_open(store=shop, actor=staff)
        cartons = [carton_add(shipment=shipment, actor=staff) for _carton in range(2 if returns else 1)]
        for index, return_request in enumerate(returns):
            shipment_return_add(
                shipment=shipment, carton=cartons[index % len(cartons)], code=return_request.rma_number, actor=staff
            )
        loose = [(ShipmentItemKind.UNSOLD, self.rng.randint(2, 4))]
        if stage != ShipmentStatus.OPEN:
            loose.append((ShipmentItemKind.DAMAGED, 1))
        for kind, quantity in loose:
            sku = self.rng.choice(SHOP_STOCK_SKUS)
            shipment_loose_item_add(
                shipment=shipment, carton=cartons[-1], sku=sku, quantity=quantity, kind=kind, actor=staff
            )
        if stage == ShipmentStatus.OPEN:
            return shipment  # still being filled at the shop: not weighed, not closed
        for carton in cartons:
            units = sum(ShipmentItem.objects.filter(carton=carton).values_list("quantity", flat=True))
            carton_weight_set(carton=carton, weight_grams=300 + 650 * units, actor=staff)
        shipment_close(shipment=shipment, actor=staff)
        # What the documents task does after the close, done here without the broker.
        shipment_documents_generate(shipment_id=shipment.pk)
        if stage == ShipmentStatus.CLOSED:
            return shipment
        shipment_dispatch(shipment=shipment, actor=staff, pickup_reference=f"ENL-{shipment.number[3:]}")
        if stage == ShipmentStatus.DISPATCHED:
            return shipment
        self._receive(shipment)
        shipment.refresh_from_db()
        return shipment

    def _receive(self, shipment: Shipment) -> None:
        """At the warehouse: each carton received by its label, its contents counted, its count finished."""
        warehouse = shipment.warehouse
        operator = self.users[f"warehouse-{warehouse.code}"]
        for carton in Carton.objects.filter(shipment=shipment).order_by("position"):
            receipt = carton_receive(
                carton=carton, warehouse=warehouse, actor=operator, code=carton.tracking_number or carton.barcode
            ).receipt
            items = ShipmentItem.objects.filter(carton=carton, removed_at__isnull=True).select_related(
                "return_request"
            )
            for item in items.order_by("pk"):
                if item.return_request is not None:
                    carton_count_add(receipt=receipt, code=item.return_request.rma_number, actor=operator)
                else:
                    carton_count_add(receipt=receipt, code=item.sku, quantity=item.quantity, actor=operator)
            carton_count_finish(receipt=receipt, actor=operator)


def shipment_backdate(*, shipment: Shipment, stage: str, returns: list[ReturnRequest], now: datetime) -> None:
    """Spread the shipment over the days after its returns were handed in, as if it had happened then.

    The services stamp everything "now"; a demo whose shipments were all opened, closed, dispatched and received
    in the same second says nothing. Only timestamps move (QuerySet.update on purpose: no service is about time
    travel): each row takes the moment of the step that wrote it, after the returns' counter check.
    """
    checks = ReturnEvent.objects.filter(return_request__in=returns, to_status=S.IN_TRANSIT)  # at the counter
    handed_in = checks.aggregate(last=Max("created_at"))["last"]
    latest = now - timedelta(minutes=15)
    start = handed_in + timedelta(minutes=1) if handed_in is not None else now - timedelta(days=3)
    steps = STAGE_HOURS[: STAGES[::-1].index(stage) + 1]
    room = (latest - start).total_seconds() / 3600
    if steps[-1] > room:
        steps = tuple(hours * room / steps[-1] for hours in steps)
    moments = [start + timedelta(hours=hours) for hours in steps]
    opened = moments[0]
    values: dict[str, Any] = {"created_at": opened, "updated_at": moments[-1]}
    if len(moments) > 1:
        values |= {"closed_at": moments[1], "documents_ready_at": moments[1] + timedelta(minutes=1)}
    if len(moments) > 2:
        values["dispatched_at"] = moments[2]
    if len(moments) > 3:
        values["received_at"] = moments[3]
    Shipment.objects.filter(pk=shipment.pk).update(**values)
    filled = opened + (values.get("closed_at", latest) - opened) / 2  # scanned in between
    Carton.objects.filter(shipment=shipment).update(created_at=opened, updated_at=values.get("closed_at", filled))
    ShipmentItem.objects.filter(shipment=shipment).update(created_at=filled, updated_at=filled)
    if len(moments) > 3:
        received = moments[3]
        CartonReceipt.objects.filter(shipment=shipment).update(
            received_at=received, counted_at=received, created_at=received, updated_at=received
        )
        CountedItem.objects.filter(receipt__shipment=shipment).update(created_at=received, updated_at=received)
        Discrepancy.objects.filter(shipment=shipment).update(created_at=received, updated_at=received)
        ReturnEvent.objects.filter(return_request__in=returns, to_status=S.RECEIVED).update(created_at=received)
        Arrival.objects.filter(return_request__in=returns).update(created_at=received, updated_at=received)
        received_returns = ReturnRequest.objects.filter(pk__in=[r.pk for r in returns])
        received_returns.update(updated_at=received, received_at=received)
        received_returns.filter(status=S.RECEIVED).update(status_changed_at=received)


def shipments_summary() -> str:
    """How many shipments, by status, for the command's summary."""
    statuses = Counter(Shipment.objects.values_list("status", flat=True))
    by_status = ", ".join(f"{statuses[status]} {status}" for status in ShipmentStatus.values if statuses[status])
    return f"{sum(statuses.values())} ({by_status or 'none'})"
