"""What every shipment service starts with: the shipment's row lock and the checks on it."""

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from rma.core.exceptions import InvalidTransition
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Shipment

Actor = User | None


def actor_or_none(actor: Actor) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def shipment_lock(shipment: Shipment) -> Shipment:
    """The shipment's row, locked for the rest of the transaction (callers must be atomic)."""
    return Shipment.objects.select_for_update(of=("self",)).select_related("store", "warehouse").get(pk=shipment.pk)


def shipment_require_open(locked: Shipment) -> None:
    if locked.status != ShipmentStatus.OPEN:
        raise InvalidTransition(
            _("Shipment %(number)s is %(status)s: it can no longer change.")
            % {"number": locked.number, "status": ShipmentStatus(locked.status).label.lower()},
            code="shipment_not_open",
            extra={"status": locked.status},
        )


def shipment_sync(target: Shipment, locked: Shipment, fields: list[str]) -> None:
    for name in fields:
        setattr(target, name, getattr(locked, name))
