"""The rows of a planned return, written in bulk: order, lines, return, events, label, arrival, inspections,
dispositions, refund or exchange, the customer emails in the outbox, and (rma.demo.scale.extras) tracking events,
counter checks, shipments with their cartons, and store credits.

This bypasses the services on purpose (a million returns through the one door would take hours); what the
services guarantee is kept by construction instead: every event is an allowed move (rma.demo.scale.plan), the
rows a real return leaves behind exist exactly for the statuses that make them, and the order lines hold the
units of the returns that still count. The tests check those rules on the written data.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models

from rma.demo.scale import extras, numbering
from rma.demo.scale.catalogue import ACTOR_LABELS, CATALOGUE, DEAD_EMAIL_SHARE, DISPOSITIONS
from rma.demo.scale.copy import RowBatch
from rma.demo.scale.numbering import EMAIL_DOMAIN, EXTERNAL_ID_PREFIX, external_id_for, rma_number_for
from rma.demo.scale.plan import PlannedReturn
from rma.locations.models import DropOffPoint, Store, Warehouse
from rma.notifications.choices import Channel as OutboxChannel
from rma.notifications.choices import OutboxStatus
from rma.notifications.models import OutboxMessage
from rma.orders.models import Order, OrderLine
from rma.returns.choices import CreationChannel, Resolution, ReturnStatus
from rma.returns.messages import CLOSED_NOTICE_FROM, CUSTOMER_EMAIL_TOPICS, customer_email_dedupe_key
from rma.returns.models import ReasonCode, ReturnEvent, ReturnLine, ReturnRequest
from rma.returns.states import RELEASING_STATUSES
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Carton, CounterCheck, Label, Shipment, ShipmentItem, TrackingEvent
from rma.shipping.services import label_qr_payload
from rma.warehouse.choices import RefundMethod
from rma.warehouse.models import Arrival, Disposition, ExchangeRequest, Grade, Inspection, Refund, StoreCredit

S = ReturnStatus
Values = dict[str, Any]  # a row by field attname (rma.demo.scale.copy.values_write)


@dataclass
class ReferenceData:
    """What the returns point at, read once per run."""

    warehouses: list[Warehouse]
    points: list[DropOffPoint]
    reasons: list[ReasonCode]
    grades: dict[str, Grade]  # category -> the grade an undamaged unit gets
    store_points: list[DropOffPoint]  # the shops' counters (each point's store has a default warehouse)
    stores: dict[int, Store]


MODELS_WRITTEN: tuple[type[models.Model], ...] = (
    Order,
    OrderLine,
    ReturnRequest,
    ReturnLine,
    ReturnEvent,
    Label,
    Arrival,
    Inspection,
    Disposition,
    Refund,
    ExchangeRequest,
    OutboxMessage,
    TrackingEvent,
    StoreCredit,
    CounterCheck,
    Shipment,
    Carton,
    ShipmentItem,
)


class BatchWriter:
    """Builds planned returns' rows batch by batch, each batch written in one transaction (a stopped run leaves whole
    returns)."""

    def __init__(self, *, run: int, reference: ReferenceData, now: datetime, seed: int) -> None:
        self.run = run
        self.reference = reference
        self.now = now
        self.rng = random.Random(seed * 7 + run)
        self.shipments = extras.ShipmentWriter(run=run)
        self.latest_sales: dict[str, OrderLine] = {}  # per SKU: its product variant, recorded at the end of the run
        self.written: dict[str, int] = dict.fromkeys((m._meta.model_name or "" for m in MODELS_WRITTEN), 0)

    def _write(self, into: RowBatch, model: type[models.Model], rows: list) -> None:
        into.rows(model, rows)
        self.written[model._meta.model_name or ""] += len(rows)

    def _write_values(self, into: RowBatch, model: type[models.Model], rows: list[Values]) -> None:
        into.values(model, rows)  # rows nothing points at: no model instance is built for them
        self.written[model._meta.model_name or ""] += len(rows)

    def write(self, batch: Sequence[PlannedReturn], into: RowBatch) -> None:
        """A batch's rows, in the order they are written (rma.demo.scale.copy.batches_write: one transaction)."""
        orders, lines_per_order = self._orders(batch)
        self._write(into, Order, orders)
        order_lines = [line for order, lines in zip(orders, lines_per_order, strict=True) for line in lines]
        for order, lines in zip(orders, lines_per_order, strict=True):
            for line in lines:
                line.order = order
        self._write(into, OrderLine, order_lines)
        extras.latest_sales_keep(self.latest_sales, order_lines)
        requests = [
            self._return(planned, order, lines)
            for planned, order, lines in zip(batch, orders, lines_per_order, strict=True)
        ]
        self._write(into, ReturnRequest, requests)
        return_lines = []
        for planned, request, lines in zip(batch, requests, lines_per_order, strict=True):
            return_lines.append([self._return_line(planned, request, line) for line in lines[: planned.line_count]])
        self._write(into, ReturnLine, [line for group in return_lines for line in group])
        events, labels, arrivals, outbox, refunds = [], [], [], [], []
        tracked: list[tuple[Label, list[Values]]] = []  # a label's carrier events, written once it has its key
        exchanges: list[ExchangeRequest] = []
        travelled: list[extras.Travelled] = []
        for planned, request, lines, group in zip(batch, requests, lines_per_order, return_lines, strict=True):
            events.extend(self._events(planned, request))
            outbox.extend(self._emails(planned, request))
            label = self._label(planned, request)
            travelled.append(extras.Travelled(planned=planned, request=request, label=label, lines=group))
            if label is not None:
                labels.append(label)
                tracked.append((label, extras.label_tracking(planned, label, now=self.now)))
                if planned.reached(S.RECEIVED):
                    arrivals.append(self._arrival(planned, request, label))
            if planned.reached(S.REFUNDED):
                refunds.append(self._refund(planned, request))
            if planned.reached(S.EXCHANGED):
                exchanges.append(self._exchange(planned, request, lines))
        self._write_values(into, ReturnEvent, events)
        self._write(into, Label, labels)
        self._write_values(into, Arrival, arrivals)
        inspections = [
            inspection
            for planned, group in zip(batch, return_lines, strict=True)
            if planned.reached(S.INSPECTED)
            for inspection in self._inspections(planned, group)
        ]
        self._write(into, Inspection, inspections)
        self._write_values(into, Disposition, [self._disposition(i) for i in inspections])
        self._write_values(into, Refund, refunds)
        self._write(into, ExchangeRequest, exchanges)
        self._write_values(into, OutboxMessage, outbox)
        tracking = [{**event, "label_id": label.pk} for label, label_events in tracked for event in label_events]
        self._write_values(into, TrackingEvent, tracking)
        credits = [c for t in travelled if (c := extras.store_credit_for(t, run=self.run, rng=self.rng))]
        self._write(into, StoreCredit, credits)
        stores = self.reference.stores
        checks = [check for t in travelled for check in extras.counter_checks_for(t, stores=stores)]
        self._write(into, CounterCheck, checks)
        shipments, cartons, items = self.shipments.shipments_for(travelled, stores=stores)
        self._write(into, Shipment, shipments)
        for carton in cartons:
            carton.shipment_id = carton.shipment.pk
        self._write(into, Carton, cartons)
        for item in items:
            item.shipment_id, item.carton_id = item.shipment.pk, item.carton.pk
        self._write(into, ShipmentItem, items)

    # ---- one return's rows

    def _orders(self, batch: Sequence[PlannedReturn]) -> tuple[list[Order], list[list[OrderLine]]]:
        orders, lines_per_order = [], []
        for planned in batch:
            placed = planned.moments[0] - timedelta(days=self.rng.uniform(3, 20))
            delivered = min(placed + timedelta(days=self.rng.uniform(1.5, 3)), planned.moments[0])
            customer = planned.index // 2  # some customers return twice
            orders.append(
                Order(
                    external_id=external_id_for(run=self.run, index=planned.index),
                    number=f"SC{self.run:03d}-{planned.index:09d}",
                    customer_email=f"customer{customer}.r{self.run}@{EMAIL_DOMAIN}",
                    customer_name=f"Client {customer}",
                    **numbering.customer_address_for(customer),
                    city="Paris",
                    placed_at=placed,
                    delivered_at=delivered,
                    created_at=placed,
                    updated_at=delivered,
                )
            )
            held = planned.status not in RELEASING_STATUSES
            lines = []
            # One line more than returned, now and then: not everything in an order comes back.
            extra = 1 if self.rng.random() < 0.3 else 0
            for position in range(planned.line_count + extra):
                name, category, price, sizes = self.rng.choice(CATALOGUE)
                returned = planned.quantities[position] if position < planned.line_count else 0
                size = self.rng.choice(sizes)
                sku = f"{name[:3].upper()}-{category[:2].upper()}-{size or 'U'}"
                lines.append(
                    OrderLine(
                        external_id=f"{position + 1}",
                        sku=sku,
                        product_ref=f"{name[:3].upper()}-{category[:2].upper()}",
                        name=name,
                        category=category,
                        size=size,
                        quantity=max(returned, 1) + (1 if self.rng.random() < 0.1 else 0),
                        unit_price=price,
                        unit_tax=(price / 6).quantize(Decimal("0.01")),
                        quantity_in_returns=returned if held else 0,
                        created_at=placed,
                        updated_at=planned.moments[-1],
                    )
                )
            lines_per_order.append(lines)
        return orders, lines_per_order

    def _return(self, planned: PlannedReturn, order: Order, lines: list[OrderLine]) -> ReturnRequest:
        value = sum(
            (line.unit_price * quantity for line, quantity in zip(lines, planned.quantities, strict=False)),
            Decimal("0.00"),
        )
        point = self.reference.points[planned.index % len(self.reference.points)]
        warehouse = self.reference.warehouses[planned.index % len(self.reference.warehouses)]
        store = None
        if planned.at_store and self.reference.store_points:
            point = self.reference.store_points[planned.index % len(self.reference.store_points)]
            store = self.reference.stores[point.store_id]  # type: ignore[index]
            warehouse = store.default_warehouse  # type: ignore[assignment]
        return ReturnRequest(
            rma_number=rma_number_for(run=self.run, index=planned.index),
            order=order,
            status=planned.status,
            resolution=planned.resolution,
            drop_off_method=point.kind,
            drop_off_point=point,
            store=store,
            destination_warehouse=warehouse,
            contact_email=order.customer_email,
            contact_name=order.customer_name,
            channel=CreationChannel.PORTAL if planned.index % 10 else CreationChannel.API,
            currency=order.currency,
            refund_estimate=value,
            submitted_at=planned.at(S.SUBMITTED),
            approved_at=planned.at(S.APPROVED),
            send_by=(approved + self._send_deadline()) if (approved := planned.at(S.APPROVED)) else None,
            review_reason="Commande au-dessus du seuil de revue." if planned.reached(S.NEEDS_REVIEW) else "",
            status_changed_at=planned.moments[-1],
            received_at=planned.at(S.RECEIVED),
            created_at=planned.moments[0],
            updated_at=planned.moments[-1],
        )

    def _send_deadline(self) -> timedelta:
        from django.conf import settings  # read when used, never at import time

        return settings.RMA_SEND_DEADLINE

    def _return_line(self, planned: PlannedReturn, request: ReturnRequest, line: OrderLine) -> ReturnLine:
        reason = self.reference.reasons[self.rng.randrange(len(self.reference.reasons))]
        exchange = planned.resolution == Resolution.EXCHANGE and line.size
        return ReturnLine(
            return_request=request,
            order_line=line,
            quantity=planned.quantities[int(line.external_id) - 1],
            reason=reason,
            exchange_sku=f"{line.sku.rsplit('-', 1)[0]}-ALT" if exchange else "",
            created_at=planned.moments[0],
            updated_at=planned.moments[0],
        )

    def _events(self, planned: PlannedReturn, request: ReturnRequest) -> list[Values]:
        previous = ("", *planned.path)  # one longer than the path: zip stops with it
        return [
            {
                "return_request_id": request.pk,
                "actor_label": ACTOR_LABELS.get(status, "system"),
                "from_status": before,
                "to_status": status,
                "created_at": moment,
            }
            for before, status, moment in zip(previous, planned.path, planned.moments, strict=False)
        ]

    def _label(self, planned: PlannedReturn, request: ReturnRequest) -> Label | None:
        approved = planned.at(S.APPROVED)
        if approved is None:
            return None
        ready = planned.at(S.LABEL_READY)
        voided = planned.at(S.CANCELLED) or planned.at(S.EXPIRED)
        status = LabelStatus.PENDING if ready is None else (LabelStatus.VOIDED if voided else LabelStatus.READY)
        tracking = f"SC{self.run:03d}{planned.index:010d}FR" if ready is not None else None
        return Label(
            return_request=request,
            status=status,
            tracking_number=tracking,
            qr_payload=label_qr_payload(rma_number=request.rma_number),  # what a shop's counter scans
            ready_at=ready,
            voided_at=voided,
            created_at=approved,
            updated_at=voided or ready or approved,
        )

    def _arrival(self, planned: PlannedReturn, request: ReturnRequest, label: Label) -> Values:
        moment = planned.when(S.RECEIVED)
        return {
            "warehouse_id": request.destination_warehouse_id,
            "scanned_code": label.tracking_number or request.rma_number,
            "return_request_id": request.pk,
            "created_at": moment,
            "updated_at": moment,
        }

    def _inspections(self, planned: PlannedReturn, lines: list[ReturnLine]) -> list[Inspection]:
        moment = planned.when(S.INSPECTED)
        inspections = []
        for line in lines:
            grade = self.reference.grades.get(line.order_line.category) or next(iter(self.reference.grades.values()))
            for unit in range(line.quantity):
                inspections.append(
                    Inspection(
                        return_line=line,
                        unit_index=unit,
                        grade=grade,
                        inspected_at=moment,
                        created_at=moment,
                        updated_at=moment,
                    )
                )
        return inspections

    def _disposition(self, inspection: Inspection) -> Values:
        kinds = [kind for kind, _weight in DISPOSITIONS]
        kind = self.rng.choices(kinds, weights=[weight for _kind, weight in DISPOSITIONS])[0]
        return {
            "inspection_id": inspection.pk,
            "kind": kind,
            "suggested_kind": kind,
            "confirmed_at": inspection.inspected_at,
            "created_at": inspection.inspected_at,
            "updated_at": inspection.inspected_at,
        }

    def _refund(self, planned: PlannedReturn, request: ReturnRequest) -> Values:
        moment = planned.when(S.REFUNDED)
        store_credit = request.resolution == Resolution.STORE_CREDIT
        return {
            "return_request_id": request.pk,
            "amount": request.refund_estimate,
            "currency": request.currency,
            "method": RefundMethod.STORE_CREDIT if store_credit else RefundMethod.ORIGINAL_PAYMENT,
            "idempotency_key": f"{EXTERNAL_ID_PREFIX}refund-{self.run:03d}-{planned.index}",
            "breakdown": {"lines": [], "fee": "0.00"},
            "released_at": moment,
            "created_at": moment,
            "updated_at": moment,
        }

    def _exchange(self, planned: PlannedReturn, request: ReturnRequest, lines: list[OrderLine]) -> ExchangeRequest:
        moment = planned.when(S.EXCHANGED)
        wanted = [
            {"sku": f"{line.sku.rsplit('-', 1)[0]}-ALT", "quantity": quantity, "replaces_sku": line.sku}
            for line, quantity in zip(lines, planned.quantities, strict=False)
        ]
        return ExchangeRequest(
            return_request=request,
            lines=wanted,
            idempotency_key=f"{EXTERNAL_ID_PREFIX}exchange-{self.run:03d}-{planned.index}",
            requested_at=moment,
            created_at=moment,
            updated_at=moment,
        )

    def _emails(self, planned: PlannedReturn, request: ReturnRequest) -> list[Values]:
        """The customer's email for each move that sends one; the last few are still waiting to go out."""
        messages = []
        previous = ""
        for status, moment in zip(planned.path, planned.moments, strict=True):
            told = status in CUSTOMER_EMAIL_TOPICS and (status != S.CLOSED or previous in CLOSED_NOTICE_FROM)
            previous = status
            if not told:
                continue
            pending = self.now - moment < timedelta(minutes=10)
            dead = not pending and self.rng.random() < DEAD_EMAIL_SHARE
            state = OutboxStatus.PENDING if pending else (OutboxStatus.DEAD if dead else OutboxStatus.DELIVERED)
            messages.append(
                {
                    "channel": OutboxChannel.EMAIL,
                    "topic": CUSTOMER_EMAIL_TOPICS[status],
                    "destination": request.contact_email,
                    "payload": {"rma_number": request.rma_number, "status": status},
                    "dedupe_key": customer_email_dedupe_key(return_request=request, status=status),
                    "status": state,
                    "attempts": 0 if pending else (8 if dead else 1),
                    "last_error": "550 mailbox unavailable" if dead else "",
                    "delivered_at": moment + timedelta(seconds=30) if state == OutboxStatus.DELIVERED else None,
                    "created_at": moment,
                    "updated_at": moment + timedelta(seconds=30),
                }
            )
        return messages
