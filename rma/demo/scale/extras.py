"""The rows around a planned return that depend on how it travelled and how it was settled: the carrier's tracking
events, the shop counter's checks and the shop-to-warehouse shipments (cartons, items), and store credits.

Kept by construction, as rma.demo.scale.rows does: a parcel dropped at a carrier point has tracking events from
its hand-over (delivered when the warehouse received it); a return handed in at a shop counter has a counter check
per line at the moment it went in transit, and sits in one carton of one shipment of that shop, dispatched after
the last of its returns was handed in and, once they are received, received when the first of them was; a store
credit return that was refunded has its credit, issued at the refund for the refund's amount.
"""

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rma.demo.scale.plan import PlannedReturn
from rma.locations.models import Store
from rma.orders.models import OrderLine
from rma.returns.choices import Resolution, ReturnStatus, StoreCreditMoment
from rma.returns.models import ReturnLine, ReturnRequest
from rma.shipping.carriers.base import TrackingStatus
from rma.shipping.choices import CounterCondition, ShipmentItemKind, ShipmentStatus, TrackingSource
from rma.shipping.models import Carton, CounterCheck, Label, Shipment, ShipmentItem
from rma.warehouse.choices import StoreCreditStatus
from rma.warehouse.models import StoreCredit
from rma.warehouse.models.credits import store_credit_code_normalize

S = ReturnStatus

RETURNS_PER_SHIPMENT = 8  # a shop ships its counter's returns about weekly: a few cartons of a few parcels
RETURNS_PER_CARTON = 3
SPENT_CREDIT_SHARE = 0.4  # store credits of finished returns already spent at the shop
# The carrier's events of a parcel dropped at a point: (status, carrier's code, description).
HANDED_OVER = (TrackingStatus.HANDED_OVER, "PCHCFM", "Colis déposé en point de retrait")
MOVING = (TrackingStatus.IN_TRANSIT, "PCHTRA", "Colis en cours d'acheminement")
DELIVERED = (TrackingStatus.DELIVERED, "LIVCFM", "Colis livré à l'entrepôt")


@dataclass
class Travelled:
    """One written return with what the extras need: its plan, row, label (if any) and lines."""

    planned: PlannedReturn
    request: ReturnRequest
    label: Label | None
    lines: list[ReturnLine]


def label_tracking(planned: PlannedReturn, label: Label, *, now: datetime) -> list[dict[str, Any]]:
    """The carrier's events of a parcel dropped at a point (none before it was handed over), by field, and the
    label's own summary of them; the events are written after the label, with its key (they point at it)."""
    handed = planned.at(S.IN_TRANSIT)
    if handed is None or planned.at_store:
        return []
    received = planned.at(S.RECEIVED)
    steps = [(HANDED_OVER, handed)]
    moving = handed + (received - handed) / 2 if received else min(handed + timedelta(hours=6), now)
    if moving > handed:
        steps.append((MOVING, moving))
    if received is not None:
        steps.append((DELIVERED, received))
    (status, _code, _text), last = steps[-1]
    label.tracking_status, label.tracking_status_at, label.tracking_checked_at = status, last, last
    return [
        {
            "at": moment,
            "code": code,
            "description": text,
            "status": event_status,
            "location": "",
            "source": TrackingSource.POLL,
            "created_at": moment,
        }
        for (event_status, code, text), moment in steps
    ]


def store_credit_for(travelled: Travelled, *, run: int, rng: random.Random) -> StoreCredit | None:
    """The credit of a store-credit return that was refunded: issued at the refund, for the refund's amount."""
    planned, request = travelled.planned, travelled.request
    issued = planned.at(S.REFUNDED)
    if issued is None or request.resolution != Resolution.STORE_CREDIT:
        return None
    spent = planned.status == S.CLOSED and rng.random() < SPENT_CREDIT_SHARE
    amount = request.refund_estimate
    return StoreCredit(
        code=store_credit_code_normalize(f"SCR{run:03d}{planned.index:010d}"),
        return_request=request,
        amount=amount,
        currency=request.currency,
        balance=amount * 0 if spent else amount,
        status=StoreCreditStatus.SPENT if spent else StoreCreditStatus.ACTIVE,
        moment=StoreCreditMoment.INSPECTION,
        expires_at=issued + timedelta(days=365),
        created_at=issued,
        updated_at=planned.moments[-1] if spent else issued,
    )


def counter_checks_for(travelled: Travelled, *, stores: dict[int, Store]) -> list[CounterCheck]:
    """A handed-in return's checks at the counter: every line accepted, at the moment it went in transit."""
    handed = travelled.planned.at(S.IN_TRANSIT)
    if handed is None or not travelled.planned.at_store or travelled.request.store_id is None:
        return []
    store = stores[travelled.request.store_id]
    return [
        CounterCheck(
            return_line=line,
            store=store,
            condition=CounterCondition.AS_NEW if line.pk % 3 else CounterCondition.GOOD,
            accepted=True,
            created_at=handed,
            updated_at=handed,
        )
        for line in travelled.lines
    ]


class ShipmentWriter:
    """Groups a batch's handed-in returns into their shops' shipments, numbered apart from the shops' own."""

    def __init__(self, *, run: int) -> None:
        self.run = run
        self.sequence = 0

    def shipments_for(
        self, batch: Sequence[Travelled], *, stores: dict[int, Store]
    ) -> tuple[list[Shipment], list[Carton], list[ShipmentItem]]:
        """The shipments, cartons and items (unsaved, items point at unsaved cartons: save in that order)."""
        by_store: dict[tuple[int, bool], list[Travelled]] = defaultdict(list)
        for travelled in batch:
            if travelled.planned.at_store and travelled.planned.reached(S.IN_TRANSIT) and travelled.request.store_id:
                by_store[(travelled.request.store_id, travelled.planned.reached(S.RECEIVED))].append(travelled)
        shipments, cartons, items = [], [], []
        for (store_id, received), group in sorted(by_store.items()):
            for chunk in self._chunks(group, received=received):
                shipment = self._shipment(stores[store_id], chunk, received=received)
                shipments.append(shipment)
                for position, start in enumerate(range(0, len(chunk), RETURNS_PER_CARTON), start=1):
                    carton = Carton(
                        shipment=shipment,
                        position=position,
                        barcode=f"CT-{shipment.number}-{position:02d}",
                        weight_grams=1200 * len(chunk[start : start + RETURNS_PER_CARTON]),
                        created_at=shipment.created_at,
                        updated_at=shipment.created_at,
                    )
                    cartons.append(carton)
                    for travelled in chunk[start : start + RETURNS_PER_CARTON]:
                        handed = travelled.planned.when(S.IN_TRANSIT)
                        items.append(
                            ShipmentItem(
                                shipment=shipment,
                                carton=carton,
                                kind=ShipmentItemKind.CUSTOMER_RETURN,
                                return_request=travelled.request,
                                quantity=sum(line.quantity for line in travelled.lines),
                                scanned_code=travelled.request.rma_number,
                                created_at=handed,
                                updated_at=handed,
                            )
                        )
        return shipments, cartons, items

    @staticmethod
    def _chunks(group: list[Travelled], *, received: bool) -> list[list[Travelled]]:
        """Returns that can travel together: a received shipment arrived when its first return was received, so
        every return in it was handed in before that."""
        key = S.RECEIVED if received else S.IN_TRANSIT
        group = sorted(group, key=lambda travelled: (travelled.planned.when(key), travelled.planned.index))
        chunks: list[list[Travelled]] = []
        for travelled in group:
            current = chunks[-1] if chunks else None
            fits = (
                current is not None
                and len(current) < RETURNS_PER_SHIPMENT
                and (not received or travelled.planned.when(S.IN_TRANSIT) <= current[0].planned.when(S.RECEIVED))
            )
            if fits and current is not None:
                current.append(travelled)
            else:
                chunks.append([travelled])
        return chunks

    def _shipment(self, store: Store, chunk: list[Travelled], *, received: bool) -> Shipment:
        self.sequence += 1
        sequence = self.run * 1_000_000 + self.sequence  # apart from the shop's own numbering, run by run
        opened = min(travelled.planned.when(S.IN_TRANSIT) for travelled in chunk)
        dispatched = max(travelled.planned.when(S.IN_TRANSIT) for travelled in chunk)
        arrived = chunk[0].planned.when(S.RECEIVED) if received else None
        if store.default_warehouse is None:  # the counters are taken from shops that have one (seed_scale)
            raise ValueError(f"shop {store.code} ships to no warehouse")
        return Shipment(
            number=f"SH-{store.code}-{sequence:010d}".upper(),
            sequence=sequence,
            store=store,
            warehouse=store.default_warehouse,
            status=ShipmentStatus.RECEIVED if received else ShipmentStatus.DISPATCHED,
            closed_at=dispatched,
            dispatched_at=dispatched,
            received_at=arrived,
            created_at=opened,
            updated_at=arrived or dispatched,
        )


def latest_sales_keep(latest: dict[str, OrderLine], lines: list[OrderLine]) -> None:
    """Keep each SKU's latest sale among `lines` (each with its order): what its product variant will say."""
    for line in lines:
        kept = latest.get(line.sku)
        if kept is None or line.order.placed_at >= kept.order.placed_at:
            latest[line.sku] = line
