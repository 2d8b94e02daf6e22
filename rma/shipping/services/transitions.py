"""The one door for label and shipment status changes: lock the row, check the lifecycle (rma.shipping.states),
save with update_fields. Callers set the other fields they change on the instance and name them in `fields`."""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.exceptions import InvalidTransition
from rma.core.services import rows_update
from rma.shipping.choices import LabelStatus, ShipmentStatus
from rma.shipping.lock_objects import label_qs_select_for_update
from rma.shipping.models import Label, Shipment
from rma.shipping.states import label_can_transition, shipment_can_transition


def label_transition(*, label: Label, to: str, fields: Sequence[str] = (), locked: bool = False) -> Label:
    """Move a label to `to` (saving also `fields` of the instance); InvalidTransition if its lifecycle refuses.

    The status checked is the one in the database, read under the row lock: of two concurrent moves, the
    second waits, then is refused if its move no longer fits. `locked`: the caller holds the row lock and read
    `label.status` under it, so the status is checked as it is (no second read, no savepoint: one UPDATE).
    """
    if not locked:
        with transaction.atomic():
            label.status = label_qs_select_for_update().only("status").get(pk=label.pk).status
            return label_transition(label=label, to=to, fields=fields, locked=True)
    _label_move_check(source=label.status, to=to)
    label.status = to
    label.save(update_fields=list(dict.fromkeys(["status", *fields, "updated_at"])))
    return label


def _label_move_check(*, source: str, to: str) -> None:
    if not label_can_transition(source, to):
        raise InvalidTransition(
            _("A label that is “%(source)s” cannot become “%(target)s”.")
            % {"source": LabelStatus(source).label, "target": LabelStatus(to).label},
            code="invalid_label_transition",
            extra={"from": source, "to": to},
        )


def labels_transition(*, labels: Sequence[Label], to: str, fields: Sequence[str] = ()) -> list[Label]:
    """`label_transition` for labels the caller holds locked and read under that lock, in one UPDATE; nothing is
    saved when the lifecycle refuses any of them (InvalidTransition)."""
    for label in labels:
        _label_move_check(source=label.status, to=to)
    now = timezone.now()
    for label in labels:
        label.status = to
        label.updated_at = now  # rows_update does not fill auto_now fields
    rows_update(instances=labels, fields=list(dict.fromkeys(["status", *fields, "updated_at"])))
    return list(labels)


@transaction.atomic
def shipment_transition(*, shipment: Shipment, to: str, fields: Sequence[str] = ()) -> Shipment:
    """Move a shipment to `to` (saving also `fields` of the instance); InvalidTransition if its lifecycle refuses."""
    source = Shipment.objects.select_for_update(of=("self",)).only("status").get(pk=shipment.pk).status
    if not shipment_can_transition(source, to):
        raise InvalidTransition(
            _("A shipment that is “%(source)s” cannot become “%(target)s”.")
            % {"source": ShipmentStatus(source).label, "target": ShipmentStatus(to).label},
            code="invalid_shipment_transition",
            extra={"from": source, "to": to},
        )
    shipment.status = to
    shipment.save(update_fields=list(dict.fromkeys(["status", *fields, "updated_at"])))
    return shipment
