"""A shipment leaves the shop: close it (the warehouse is told), record the carrier's pickup (its returns are on
their way), and the receiving warehouse records what arrived. Status changes go through shipment_transition."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.exceptions import DomainError, InvalidTransition
from rma.notifications.choices import Channel
from rma.notifications.destinations import outbox_secret_ref
from rma.notifications.outbox import outbox_enqueue
from rma.returns.choices import ReturnStatus
from rma.returns.transitions import transitions_apply
from rma.shipping.carriers import carrier_codes
from rma.shipping.choices import ShipmentStatus
from rma.shipping.lock_objects import shipment_returns_qs_select_for_update
from rma.shipping.models import Carton, Shipment, ShipmentItem
from rma.shipping.selectors import shipment_contents
from rma.shipping.services.shipment_locks import (
    Actor,
    actor_or_none,
    shipment_lock,
    shipment_require_open,
    shipment_sync,
)
from rma.shipping.services.transitions import shipment_transition

# ---- Close, dispatch, receive


def _advance_notice(*, shipment: Shipment, event: str) -> list[Any]:
    """Write the advance shipping notice for the warehouse (webhook and/or email), in this transaction."""
    warehouse = shipment.warehouse
    contents = shipment_contents(shipment=shipment)
    payload = {
        "event": f"shipment.{event}",
        **contents.as_payload(),
        "status": shipment.status,
        "closed_at": shipment.closed_at.isoformat() if shipment.closed_at else None,
        "dispatched_at": shipment.dispatched_at.isoformat() if shipment.dispatched_at else None,
        "carrier": shipment.carrier,
        "pickup_reference": shipment.pickup_reference or None,
    }
    messages = []
    if warehouse.notify_webhook_url:
        messages.append(
            outbox_enqueue(
                channel=Channel.WEBHOOK,
                topic=f"shipment.{event}",
                destination=warehouse.notify_webhook_url,
                payload=payload,
                dedupe_key=f"shipment:{shipment.public_id}:{event}:webhook",
                secret_ref=outbox_secret_ref(warehouse),
            )
        )
    if warehouse.notify_email:
        messages.append(
            outbox_enqueue(
                channel=Channel.EMAIL,
                topic=f"shipment.{event}",
                destination=warehouse.notify_email,
                payload=payload,
                dedupe_key=f"shipment:{shipment.public_id}:{event}:email",
            )
        )
    return messages


@transaction.atomic
def shipment_close(*, shipment: Shipment, actor: Actor) -> Shipment:
    """Close a shipment: it can no longer change; the warehouse is told. Its documents are made by a worker: the
    caller has them made after commit (shipment_tasks.shipment_documents_generate_task)."""
    locked = shipment_lock(shipment)
    shipment_require_open(locked)
    cartons = list(Carton.objects.filter(shipment=locked).order_by("position"))
    if not cartons:
        raise DomainError(_("Add a carton before closing the shipment."), code="no_cartons")
    filled = set(
        ShipmentItem.objects.filter(shipment=locked, removed_at__isnull=True).values_list("carton_id", flat=True)
    )
    empty = [carton.barcode for carton in cartons if carton.pk not in filled]
    if empty:
        raise DomainError(
            _("Carton %(barcode)s is empty: fill it or remove it before closing.") % {"barcode": empty[0]},
            code="empty_carton",
            extra={"empty_cartons": empty},
        )
    locked.closed_at = timezone.now()
    locked.closed_by = actor_or_none(actor)
    shipment_transition(shipment=locked, to=ShipmentStatus.CLOSED, fields=["closed_at", "closed_by"])
    _advance_notice(shipment=locked, event="closed")
    shipment_sync(shipment, locked, ["status", "closed_at", "closed_by", "closed_by_id", "updated_at"])
    return shipment


@transaction.atomic
def shipment_dispatch(*, shipment: Shipment, actor: Actor, pickup_reference: str = "", carrier: str = "") -> Shipment:
    """Record the carrier's pickup: the shipment and every return inside it are on their way."""
    locked = shipment_lock(shipment)
    if locked.status == ShipmentStatus.OPEN:
        raise InvalidTransition(_("Close the shipment before dispatching it."), code="shipment_not_closed")
    if locked.status != ShipmentStatus.CLOSED:
        raise InvalidTransition(
            _("Shipment %(number)s was already dispatched.") % {"number": locked.number}, code="already_dispatched"
        )
    if carrier and carrier not in carrier_codes():
        raise DomainError(_("Unknown carrier."), code="invalid_carrier")
    locked.dispatched_at = timezone.now()
    locked.dispatched_by = actor_or_none(actor)
    locked.pickup_reference = pickup_reference.strip()[:64]
    if carrier:
        locked.carrier = carrier
    shipment_transition(
        shipment=locked,
        to=ShipmentStatus.DISPATCHED,
        fields=["dispatched_at", "dispatched_by", "pickup_reference", "carrier"],
    )
    # Its returns move together: one lock, one update, one insert of their events, the reactions set-based.
    moving = list(shipment_returns_qs_select_for_update(shipment=locked))
    note = _("Dispatched from %(shop)s in shipment %(number)s.") % {"shop": locked.store.name, "number": locked.number}
    transitions_apply(locked=moving, to=ReturnStatus.IN_TRANSIT, notes=[note] * len(moving), actor=actor)
    _advance_notice(shipment=locked, event="dispatched")
    shipment_sync(
        shipment,
        locked,
        ["status", "dispatched_at", "dispatched_by", "dispatched_by_id", "pickup_reference", "carrier", "updated_at"],
    )
    return shipment


@transaction.atomic
def shipment_receive_record(
    *, shipment: Shipment, actor: Actor, findings: list[dict[str, Any]] | None = None
) -> Shipment:
    """For the receiving warehouse: mark a dispatched (or closed) shipment received, with what it found.

    `findings` lists discrepancies ({"carton", "kind": missing/extra/wrong_item/damaged, "sku", "rma_number",
    "quantity", "note"}); any finding makes the status "received with discrepancies". The shop sees them.
    """
    locked = shipment_lock(shipment)
    if locked.status not in (ShipmentStatus.CLOSED, ShipmentStatus.DISPATCHED):
        raise InvalidTransition(
            _("Shipment %(number)s cannot be received now (%(status)s).")
            % {"number": locked.number, "status": ShipmentStatus(locked.status).label},
            code="shipment_not_receivable",
        )
    findings = list(findings or [])
    locked.received_at = timezone.now()
    locked.findings = findings
    shipment_transition(
        shipment=locked,
        to=ShipmentStatus.RECEIVED_WITH_DISCREPANCIES if findings else ShipmentStatus.RECEIVED,
        fields=["received_at", "findings"],
    )
    shipment_sync(shipment, locked, ["status", "received_at", "findings", "updated_at"])
    return shipment
